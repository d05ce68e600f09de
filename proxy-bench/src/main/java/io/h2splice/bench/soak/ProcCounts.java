package io.h2splice.bench.soak;

import io.h2splice.bench.proc.ProcFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What {@code /proc/<pid>} says of a process beside its CPU: resident memory ({@code VmRSS}), threads
 * ({@code Threads:} of {@code status}) and open file descriptors (entries of {@code fd/}). Each reader returns
 * {@code -1} when the process is gone.
 */
final class ProcCounts {

    private ProcCounts() {
    }

    /** {@code Threads:} of a {@code /proc/<pid>/status} text, or -1 without that line. */
    static long threads(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring("Threads:".length()).trim());
            }
        }
        return -1;
    }

    static long rssBytes(long pid) {
        return ProcFiles.rssKib(pid).orElse(-1) * 1024;  // -1 KiB stays negative
    }

    static long threads(long pid) {
        try {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            return threads(Files.readString(status, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open file descriptors: sockets, the jar, epoll and event fds, pipes... */
    static long openFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
