package io.h2splice.core.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's table of suites and clients other people wrote (README.md, "Tested by other people's code"), one row
 * per suite or client, each produced by the test that ran it: the test calls {@link #check} with what it ran and what
 * passed, and the row in README.md must say exactly that. With {@value #WRITE_ENV}{@code =true} the test writes its
 * row into README.md instead (a new row goes at the table's end), so the table is never typed by hand:
 * {@code H2SPLICE_WRITE_TABLE=true mvn verify} refreshes it. Every row checked is also written to
 * {@code target/compat-table/} of the repository.
 */
public final class CompatTable {

    public static final String WRITE_ENV = "H2SPLICE_WRITE_TABLE";
    static final String START = "<!-- compat-table:start (written by the tests: CompatTable) -->";
    static final String END = "<!-- compat-table:end -->";

    private CompatTable() {
    }

    /** One row: the suite or client, its language and library with versions, cases run, and what passed. */
    public record Row(String suite, String language, int cases, String passed) {
        String line() {
            return "| " + suite + " | " + language + " | " + cases + " | " + passed + " |";
        }
    }

    /** Asserts that README.md's row for {@code row.suite()} is {@code row} (or writes it there; see the class). */
    public static void check(Row row) throws IOException {
        Path root = Tools.repositoryRoot();
        Path out = root.resolve("target/compat-table");
        Files.createDirectories(out);
        Files.writeString(out.resolve(row.suite().replaceAll("[^A-Za-z0-9]+", "-") + ".md"), row.line() + "\n");
        Path readme = root.resolve("README.md");
        if (Boolean.parseBoolean(System.getenv(WRITE_ENV))) {
            write(readme, row);
            return;
        }
        assertEquals(row.line(), rowOf(Files.readString(readme), row.suite()),
                "README.md's row for " + row.suite() + " is not what this run produced (refresh the table with "
                        + WRITE_ENV + "=true; see " + CompatTable.class.getSimpleName() + ")");
    }

    /** The line of README's table whose first cell is {@code suite}, or null. */
    static String rowOf(String readme, String suite) {
        for (String line : table(readme)) {
            if (line.startsWith("| " + suite + " |")) {
                return line;
            }
        }
        return null;
    }

    private static List<String> table(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new AssertionError("README.md has no table between " + START + " and " + END);
        }
        return List.of(readme.substring(start + START.length(), end).strip().split("\n"));
    }

    /** Replaces or appends the row, under a file lock: the tests of two modules may write at once. */
    private static void write(Path readme, Row row) throws IOException {
        try (FileChannel ch = FileChannel.open(readme, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            String text = Files.readString(readme);
            List<String> lines = new ArrayList<>(table(text));
            String old = rowOf(text, row.suite());
            if (old == null) {
                lines.add(row.line());
            } else {
                lines.set(lines.indexOf(old), row.line());
            }
            String updated = text.substring(0, text.indexOf(START) + START.length()) + "\n" + String.join("\n", lines)
                    + "\n" + text.substring(text.indexOf(END));
            byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(bytes), 0);
        }
    }
}
