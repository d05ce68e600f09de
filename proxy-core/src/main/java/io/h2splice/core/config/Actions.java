package io.h2splice.core.config;

import java.util.Locale;

/** Access-list actions: {@code allow} or {@code deny}, read case-insensitively as Dapr does, kept in lower case. */
final class Actions {

    static final String ALLOW = "allow";
    static final String DENY = "deny";

    private Actions() {
    }

    /** @return the action in lower case, or null for null; throws {@link IllegalArgumentException} otherwise */
    static String normalise(String action, String what) {
        if (action == null) {
            return null;
        }
        String a = action.strip().toLowerCase(Locale.ROOT);
        if (!a.equals(ALLOW) && !a.equals(DENY)) {
            throw new IllegalArgumentException(what + " must be allow or deny, got '" + action + "'");
        }
        return a;
    }

    static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value.strip();
    }
}
