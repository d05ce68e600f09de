package io.h2splice.bench.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JVM's performance counters, read from the file HotSpot keeps them in ({@code /tmp/hsperfdata_<user>/<pid>}, what
 * {@code jstat} reads): no attach, no JMX port, no process started, nothing in the sidecar disturbed. Only the scalar
 * {@code long} counters are kept ({@code sun.gc.generation.1.space.0.used}, {@code java.threads.live}...).
 *
 * <p>The layout is HotSpot's {@code PerfDataPrologue} (magic {@code 0xcafec0c0}, byte order, version 2, entry offset
 * at 24, entry count at 28) followed by {@code PerfDataEntry}s (length, name offset, vector length, type, flags, units,
 * variability, data offset).
 */
final class PerfData {

    static final int MAGIC = 0xcafec0c0;

    private PerfData() {
    }

    /** Every scalar long counter in the buffer, by name. */
    static Map<String, Long> longs(ByteBuffer file) {
        ByteBuffer b = file.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < 32 || b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a hsperfdata file (no magic 0xcafec0c0)");
        }
        b.order(b.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        if (b.get(5) != 2) {
            throw new IllegalArgumentException("hsperfdata version " + b.get(5) + ", only 2 is known");
        }
        int entry = b.getInt(24);
        int entries = b.getInt(28);
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < entries && entry + 20 <= b.limit(); i++) {
            int length = b.getInt(entry);
            if (length <= 0 || entry + length > b.limit()) {
                break;  // the JVM is still adding entries
            }
            int nameOffset = b.getInt(entry + 4);
            int vectorLength = b.getInt(entry + 8);
            byte type = b.get(entry + 12);
            int dataOffset = b.getInt(entry + 16);
            if (type == 'J' && vectorLength == 0 && dataOffset + 8 <= length) {
                out.put(name(b, entry + nameOffset, entry + dataOffset), b.getLong(entry + dataOffset));
            }
            entry += length;
        }
        return out;
    }

    private static String name(ByteBuffer b, int from, int limit) {
        int end = from;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - from];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** The counters of process {@code pid}; empty when its file is not there (-XX:-UsePerfData, or gone). */
    static Map<String, Long> read(long pid) {
        Path file = file(Path.of("/tmp"), pid);  // HotSpot on Linux writes there whatever java.io.tmpdir says
        if (file == null) {
            return Map.of();
        }
        try {
            return longs(ByteBuffer.wrap(Files.readAllBytes(file)));
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
    }

    /** {@code <tmp>/hsperfdata_<any user>/<pid>}, or {@code null}. */
    static Path file(Path tmp, long pid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
            for (Path d : dirs) {
                Path f = d.resolve(Long.toString(pid));
                if (Files.isRegularFile(f)) {
                    return f;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * The heap in use right after the last collection: survivor and old spaces (the young collector empties eden and
     * leaves these as they are until the next one). Empty map: {@code -1}.
     */
    static long heapAfterGc(Map<String, Long> c) {
        if (!c.containsKey("sun.gc.generation.1.space.0.used")) {
            return -1;
        }
        return c.getOrDefault("sun.gc.generation.0.space.1.used", 0L)
                + c.getOrDefault("sun.gc.generation.0.space.2.used", 0L)
                + c.get("sun.gc.generation.1.space.0.used");
    }

    /** The heap's committed size (young + old capacity), or {@code -1}. */
    static long heapCommitted(Map<String, Long> c) {
        Long young = c.get("sun.gc.generation.0.capacity");
        Long old = c.get("sun.gc.generation.1.capacity");
        return young == null || old == null ? -1 : young + old;
    }
}
