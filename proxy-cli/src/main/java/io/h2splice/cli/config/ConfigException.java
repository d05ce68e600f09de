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
            b.append(field).append(": ");
        }
        return new ConfigException(b.append(oneLine(problem)).toString());
    }

    static ConfigException of(Path file, String problem) {
        return at(file, null, null, problem);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
