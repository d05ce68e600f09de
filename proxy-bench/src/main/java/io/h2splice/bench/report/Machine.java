package io.h2splice.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the machine is: for the report, so a result is never read without it. */
public final class Machine {

    private Machine() {
    }

    /** cores, cpuModel, memoryMiB, os, kernel, jvm (version, vendor, name). */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        m.put("cpuModel", cpuinfo == null ? System.getProperty("os.arch") : cpuModel(cpuinfo));
        String meminfo = read(Path.of("/proc/meminfo"));
        m.put("memoryMiB", meminfo == null ? null : memTotalKib(meminfo) / 1024);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("kernel", System.getProperty("os.version"));
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", System.getProperty("java.runtime.version"));
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("name", System.getProperty("java.vm.name"));
        m.put("jvm", jvm);
        return m;
    }

    /** The first {@code model name} of {@code /proc/cpuinfo}, else its first {@code Hardware} or "unknown". */
    static String cpuModel(String cpuinfo) {
        for (String key : new String[] {"model name", "Hardware", "cpu model", "Processor"}) {
            for (String line : cpuinfo.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim();
                }
            }
        }
        return "unknown";
    }

    static long memTotalKib(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.substring(9).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
