package io.h2splice.core.http;

import io.netty.handler.codec.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The {@code dapr-api-token} check on the HTTP port ({@code DAPR_API_TOKEN}): when a token is configured, a request
 * must carry it, compared in constant time
 * byte for byte (Netty decodes header bytes as ISO-8859-1, so encoding back with it gives the bytes sent). Healthz is exempt; the caller decides which routes are.
 */
final class ApiToken {

    static final String HEADER = "dapr-api-token";

    private ApiToken() {
    }

    /** {@code true} when no token is configured, or the request carries the configured one. */
    static boolean allows(String configured, HttpRequest request) {
        if (configured == null || configured.isEmpty()) {
            return true;
        }
        String given = request.headers().get(HEADER);
        return given != null && MessageDigest.isEqual(
                configured.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.ISO_8859_1));
    }
}
