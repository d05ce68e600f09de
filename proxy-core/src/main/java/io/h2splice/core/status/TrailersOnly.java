package io.h2splice.core.status;

import io.h2splice.core.headers.HeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds the only kinds of response the proxy makes itself: trailers-only responses and closing trailers. */
public final class TrailersOnly {

    private static final AsciiString STATUS_200 = AsciiString.cached("200");
    private static final AsciiString GRPC_CONTENT_TYPE = AsciiString.cached("application/grpc");
    private static final AsciiString[] CODES = new AsciiString[17];

    static {
        for (int i = 0; i < CODES.length; i++) {
            CODES[i] = AsciiString.cached(Integer.toString(i));
        }
    }

    private TrailersOnly() {
    }

    /** {@code :status 200}, {@code content-type: application/grpc}, {@code grpc-status}, {@code grpc-message}. */
    public static Http2Headers response(int grpcStatus, String message) {
        Http2Headers h = new DefaultHttp2Headers(false, 4);
        h.status(STATUS_200);
        h.set(HeaderNames.CONTENT_TYPE, GRPC_CONTENT_TYPE);
        addStatus(h, grpcStatus, message);
        return h;
    }

    /** Trailers that end a response whose headers were already sent. */
    public static Http2Headers trailers(int grpcStatus, String message) {
        Http2Headers h = new DefaultHttp2Headers(false, 2);
        addStatus(h, grpcStatus, message);
        return h;
    }

    private static void addStatus(Http2Headers h, int grpcStatus, String message) {
        h.set(HeaderNames.GRPC_STATUS, CODES[grpcStatus]);
        if (message != null && !message.isEmpty()) {
            h.set(HeaderNames.GRPC_MESSAGE, percentEncode(message));
        }
    }

    /** gRPC's grpc-message encoding: bytes outside 0x20..0x7E, and '%', become %XX of their UTF-8 bytes. */
    static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 0x20 && b <= 0x7e && b != '%';
            if (plain && sb == null) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(bytes.length + 16);
                sb.append(message, 0, i); // all previous bytes were ASCII, one char each
            }
            if (plain) {
                sb.append((char) b);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                  .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return sb == null ? message : sb.toString();
    }

    /** The inverse of {@link #percentEncode}, for a grpc-message read from the wire; a bad escape is kept as it is. */
    public static String percentDecode(String m) {
        if (m.indexOf('%') < 0) {
            return m;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length());
        byte[] in = m.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(in[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
