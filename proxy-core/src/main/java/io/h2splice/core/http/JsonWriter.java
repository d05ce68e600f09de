package io.h2splice.core.http;

/**
 * A tiny streaming JSON writer for the few objects this package renders (no JSON library in core). Only objects,
 * strings, numbers and booleans; the caller keeps the nesting balanced.
 *
 * <p>Strings are escaped as RFC 8259 requires, plus the choices Go's {@code encoding/json} makes, so output matches
 * Dapr's: {@code "} and {@code \} escaped, control characters as two-character escapes or six-character hex escapes,
 * U+2028 and U+2029 escaped, and an unpaired surrogate (which has no UTF-8 form) replaced by U+FFFD.
 *
 * <p>Not thread-safe; one instance per rendering.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(256);
    private boolean needComma;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        needComma = false;
        return this;
    }

    JsonWriter beginObject(String name) {
        name(name);
        out.append('{');
        needComma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    JsonWriter field(String name, String value) {
        name(name);
        quote(out, value);
        needComma = true;
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        needComma = true;
        return this;
    }

    JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        needComma = true;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void name(String name) {
        separate();
        quote(out, name);
        out.append(':');
    }

    private void separate() {
        if (needComma) {
            out.append(',');
        }
    }

    /** Appends {@code s} as a quoted JSON string; {@code null} is written as the empty string. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        if (s != null) {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\u2028', '\u2029' -> unicodeEscape(out, c);
                    default -> {
                        if (c < 0x20) {
                            unicodeEscape(out, c);
                        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else if (Character.isSurrogate(c)) {
                            out.append('\ufffd');
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }
}
