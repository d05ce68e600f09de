package io.h2splice.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds raw request bytes into an {@link EmbeddedChannel} and parses the raw response bytes that come out, checking
 * that every buffer in either direction ends up released.
 */
final class RawHttp {

    /** One parsed HTTP/1.1 response; header names lower-cased, the last value of a repeated header wins. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** Writes {@code request} (CRLFs included) and returns every response written back, in order. */
    static List<Response> exchange(EmbeddedChannel ch, String request) {
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.UTF_8);
        ch.writeInbound(in);
        assertEquals(0, in.refCnt(), "the pipeline must release the request bytes");
        return parseAll(drainOutbound(ch));
    }

    /** Like {@link #exchange} for exactly one response. */
    static Response one(EmbeddedChannel ch, String request) {
        List<Response> all = exchange(ch, request);
        assertEquals(1, all.size(), "responses: " + all);
        return all.get(0);
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    static byte[] drainOutbound(EmbeddedChannel ch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            if (!(o instanceof ByteBuf buf)) {
                fail("unexpected outbound message " + o);
                return null;
            }
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            bytes.writeBytes(b);
            buf.release();
            assertEquals(0, buf.refCnt(), "outbound buffer still referenced");
        }
        return bytes.toByteArray();
    }

    static List<Response> parseAll(byte[] raw) {
        List<Response> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length) {
            int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            assertTrue(end >= 0, "incomplete response head");
            String head = new String(raw, pos, end - pos, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            assertEquals("HTTP/1.1", statusLine[0], lines[0]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            pos = end + 4;
            int length = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
            int status = Integer.parseInt(statusLine[1]);
            boolean head204 = status == 204 || status == 304;
            int bodyLength = head204 ? 0 : Math.min(length, raw.length - pos);
            String body = new String(raw, pos, bodyLength, StandardCharsets.UTF_8);
            pos += bodyLength;
            out.add(new Response(status, headers, body));
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
