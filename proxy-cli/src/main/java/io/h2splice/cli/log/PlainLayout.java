package io.h2splice.cli.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.util.Map;

/**
 * Dapr's plain lines, as logrus's {@code TextFormatter} writes them for daprd: {@code time="…" level=info msg="…"},
 * then the other fields in key order:
 * <pre>
 * time="2024-05-01T10:00:00.123456Z" level=info msg="h2splice is ready" app_id=server instance=host scope=dapr.runtime type=log ver=1.0
 * </pre>
 * A value made only of letters, digits and {@code - . _ / @ ^ +} is written bare, any other quoted as Go's
 * {@code %q} does, so a line never breaks: a newline in a message becomes {@code \n}. At debug, a throwable's stack
 * follows its line.
 */
final class PlainLayout extends DaprLayout {

    private final boolean stackTraces;

    PlainLayout(LogFields fields, boolean stackTraces) {
        super(fields);
        this.stackTraces = stackTraces;
    }

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(256).append("time=");
        value(b, LogTime.format(e.getInstant(), fields.zone()));
        b.append(" level=").append(level(e));
        String msg = message(e);
        if (!msg.isEmpty()) { // logrus leaves an empty msg out
            b.append(" msg=");
            value(b, msg);
        }
        for (Map.Entry<String, Object> f : otherFields(e).entrySet()) {
            b.append(' ').append(f.getKey()).append('=');
            value(b, f.getValue());
        }
        b.append('\n');
        if (stackTraces && e.getThrowableProxy() != null) {
            b.append(ThrowableProxyUtil.asString(e.getThrowableProxy()).stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** logrus's {@code appendValue}: bare when safe, else Go-quoted; {@code null} as Go prints nil. */
    static void value(StringBuilder b, Object value) {
        String s = value == null ? "<nil>" : value.toString();
        if (needsQuoting(s)) {
            goQuote(b, s);
        } else {
            b.append(s);
        }
    }

    static boolean needsQuoting(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+')) {
                return true;
            }
        }
        return false;
    }

    /** Go's {@code strconv.Quote}: printable characters as they are, the rest escaped. */
    static void goQuote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0b -> b.append("\\v");
                default -> {
                    if (isPrint(cp)) {
                        b.appendCodePoint(cp);
                    } else if (cp < 0x80) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        b.append('"');
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
