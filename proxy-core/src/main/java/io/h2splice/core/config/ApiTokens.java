package io.h2splice.core.config;

import java.util.Objects;

/**
 * Dapr's two API tokens (COMPAT.md "API tokens"). The empty string means "not set", as an empty environment variable
 * does in Dapr. {@link #toString()} never prints a token.
 *
 * @param dapr {@code DAPR_API_TOKEN}: every call on the gRPC API port and every HTTP request but healthz must carry
 *             it as {@code dapr-api-token}
 * @param app  {@code APP_API_TOKEN}: every call delivered to the app carries it as {@code dapr-api-token}
 */
public record ApiTokens(String dapr, String app) {

    private static final ApiTokens NONE = new ApiTokens("", "");

    /**
     * @throws IllegalArgumentException naming the variable (never its value) when a token is not a valid gRPC
     *                                  metadata value: printable ASCII, no leading or trailing space
     */
    public ApiTokens {
        Objects.requireNonNull(dapr, "dapr");
        Objects.requireNonNull(app, "app");
        check(dapr, "DAPR_API_TOKEN");
        check(app, "APP_API_TOKEN");
    }

    /** Neither token set. */
    public static ApiTokens none() {
        return NONE;
    }

    /** {@code DAPR_API_TOKEN} is set: calls on the API and HTTP ports are checked. */
    public boolean checksCallers() {
        return !dapr.isEmpty();
    }

    /** {@code APP_API_TOKEN} is set: calls to the app carry it. */
    public boolean stampsApp() {
        return !app.isEmpty();
    }

    private static void check(String token, String variable) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(variable + " must be printable ASCII (a gRPC metadata value); "
                        + "character " + (i + 1) + " is not");
            }
        }
        if (!token.isEmpty() && (token.charAt(0) == ' ' || token.charAt(token.length() - 1) == ' ')) {
            throw new IllegalArgumentException(variable + " must not start or end with a space (HTTP/2 and HTTP/1 "
                    + "header values cannot)");
        }
    }

    /** Says whether each token is set, never what it is. */
    @Override
    public String toString() {
        return "ApiTokens[dapr=" + (checksCallers() ? "<set>" : "<none>") + ", app=" + (stampsApp() ? "<set>" : "<none>")
                + "]";
    }
}
