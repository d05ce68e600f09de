package io.h2splice.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sidecars' logs say after a phase: Netty's leak reports ({@code LEAK:}, which fail the soak), and the
 * warning and error lines (Dapr's {@code level=warning}/{@code level=error}/{@code level=fatal}, or JSON's
 * {@code "level":"..."}), which are only reported. Keeps the first {@value #EXAMPLES} of each.
 *
 * @param leaks    lines with {@code LEAK:}
 * @param warnings warning lines
 * @param errors   error and fatal lines
 */
record LogScan(long leaks, long warnings, long errors, List<String> leakLines, List<String> warningLines,
               List<String> errorLines) {

    static final int EXAMPLES = 10;

    LogScan {
        leakLines = List.copyOf(leakLines);
        warningLines = List.copyOf(warningLines);
        errorLines = List.copyOf(errorLines);
    }

    /** Scans the text of a log; each kept line is prefixed with {@code source}. */
    static LogScan of(String source, Iterable<String> lines) {
        long leaks = 0;
        long warnings = 0;
        long errors = 0;
        List<String> l = new ArrayList<>();
        List<String> w = new ArrayList<>();
        List<String> e = new ArrayList<>();
        for (String line : lines) {
            if (line.contains("LEAK:")) {
                leaks++;
                keep(l, source, line);
            } else if (line.contains("level=error") || line.contains("level=fatal")
                    || line.contains("\"level\":\"error\"") || line.contains("\"level\":\"fatal\"")) {
                errors++;
                keep(e, source, line);
            } else if (line.contains("level=warning") || line.contains("\"level\":\"warning\"")) {
                warnings++;
                keep(w, source, line);
            }
        }
        return new LogScan(leaks, warnings, errors, l, w, e);
    }

    /** Scans each log file, named by its file name; a file that cannot be read counts as one error. */
    static LogScan files(List<Path> logs) {
        LogScan all = new LogScan(0, 0, 0, List.of(), List.of(), List.of());
        for (Path p : logs) {
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                all = all.plus(of(p.getFileName().toString(), r.lines()::iterator));
            } catch (IOException | java.io.UncheckedIOException e) {
                all = all.plus(new LogScan(0, 0, 1, List.of(), List.of(), List.of(p + ": " + e.getMessage())));
            }
        }
        return all;
    }

    LogScan plus(LogScan o) {
        return new LogScan(leaks + o.leaks, warnings + o.warnings, errors + o.errors, join(leakLines, o.leakLines),
                join(warningLines, o.warningLines), join(errorLines, o.errorLines));
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) {
            if (out.size() < EXAMPLES) {
                out.add(s);
            }
        }
        return out;
    }

    private static void keep(List<String> list, String source, String line) {
        if (list.size() < EXAMPLES) {
            String l = line.strip();
            list.add(source + ": " + (l.length() > 400 ? l.substring(0, 400) + "..." : l));
        }
    }
}
