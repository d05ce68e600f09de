package io.h2splice.core.outbound;

import io.h2splice.core.headers.HeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/**
 * The {@code DAPR_API_TOKEN} check of the API listener: the first {@code dapr-api-token} value of a call must equal
 * the configured token, byte for byte. Runs on the request HEADERS, so it allocates nothing, takes no lock, and
 * compares in time that depends on the configured token's length only (never on where the bytes differ).
 *
 * <p>Threading: immutable; shared by every event loop.
 */
final class ApiTokenCheck {

    /** Lets every call through: no token configured. */
    static final ApiTokenCheck OFF = new ApiTokenCheck(null);

    /** The configured token's bytes (printable ASCII, checked by {@code ApiTokens}); null when none is set. */
    private final byte[] expected;

    private ApiTokenCheck(byte[] expected) {
        this.expected = expected;
    }

    /** @param token {@code DAPR_API_TOKEN}; empty means not set (as in Dapr) */
    static ApiTokenCheck of(String token) {
        return token.isEmpty() ? OFF : new ApiTokenCheck(token.getBytes(StandardCharsets.US_ASCII));
    }

    boolean enabled() {
        return expected != null;
    }

    /** {@code true} when no token is configured, or the call's first {@code dapr-api-token} value is the token. */
    boolean allows(Http2Headers headers) {
        return expected == null || matches(expected, headers.get(HeaderNames.DAPR_API_TOKEN));
    }

    /**
     * Constant-time comparison of {@code given} with {@code expected}: every byte of {@code expected} is looked at
     * whatever {@code given} holds. Headers decoded by Netty are {@link AsciiString}s (compared as bytes); any other
     * {@link CharSequence} is compared char by char, a char above 0xFF never matching.
     */
    static boolean matches(byte[] expected, CharSequence given) {
        if (given == null) {
            return false;
        }
        int n = given.length();
        int diff = n ^ expected.length;
        if (given instanceof AsciiString a) {
            for (int i = 0; i < expected.length; i++) {
                diff |= expected[i] ^ (i < n ? a.byteAt(i) : 0);
            }
        } else {
            for (int i = 0; i < expected.length; i++) {
                diff |= (expected[i] & 0xff) ^ (i < n ? given.charAt(i) : 0);
            }
        }
        return diff == 0;
    }
}
