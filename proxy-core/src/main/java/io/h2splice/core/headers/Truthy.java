package io.h2splice.core.headers;

import io.netty.util.AsciiString;

/** Dapr's {@code kit/strings.IsTruthy}, for flags such as {@code dapr-stream}: y, yes, true, t, on, 1 (any case). */
public final class Truthy {

    private static final AsciiString[] TRUE = {
        AsciiString.cached("1"), AsciiString.cached("t"), AsciiString.cached("y"), AsciiString.cached("on"),
        AsciiString.cached("yes"), AsciiString.cached("true"),
    };

    private Truthy() {
    }

    /** Allocation-free; null and anything else is false. */
    public static boolean test(CharSequence value) {
        if (value == null) {
            return false;
        }
        for (AsciiString t : TRUE) {
            if (AsciiString.contentEqualsIgnoreCase(value, t)) {
                return true;
            }
        }
        return false;
    }
}
