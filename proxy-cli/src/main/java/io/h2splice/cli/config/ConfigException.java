package io.h2splice.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.file.Path;

/**
 * A file h2splice reads is wrong. The message is one line: {@code <file>:<line>:<column>: <field>: <problem>}, or
 * {@code <file>: <problem>} when there is no position. Carries no stack trace.
 */
public final class ConfigException extends Exception {

    private ConfigException(String message) {
        super(message, null, false, false);
    }

    /** @param field the field's path, such as {@code apps[0].addresses[1]}; empty for the whole document */
    static ConfigException at(Path file, JsonLocation where, String field, String problem) {
        return at(file, where == null ? -1 : where.getLineNr(), where == null ? -1 : where.getColumnNr(), field,
                problem);
    }

    /** @param line 1-based, or not positive when unknown; {@code column} likewise */
    static ConfigException at(Path file, int line, int column, String field, String problem) {
        StringBuilder b = new StringBuilder().append(file);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (field != null && !field.isEmpty()) {
            b.append(escaped(field)).append(": "); // a YAML key may hold a line break
        }
        return new ConfigException(b.append(escaped(oneLine(problem))).toString());
    }

    static ConfigException of(Path file, String problem) {
        return at(file, null, null, problem);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** Control characters (a line break or tab in a key or value the file holds) written as Java escapes. */
    private static String escaped(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isISOControl(c)) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
