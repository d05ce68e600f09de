package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PerfDataTest {

    /** A hsperfdata file as HotSpot lays it out, with long counters and one string (a byte vector). */
    static ByteBuffer file(ByteOrder order, Map<String, Long> longs, String stringName, String stringValue) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(order);
        b.putInt(0, PerfData.MAGIC);
        if (order == ByteOrder.LITTLE_ENDIAN) {  // the magic reads 0xcafec0c0 byte by byte in either order
            b.order(ByteOrder.BIG_ENDIAN).putInt(0, PerfData.MAGIC).order(order);
        }
        b.put(4, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 0));
        b.put(5, (byte) 2);
        b.put(7, (byte) 1);
        b.putInt(24, 32);
        int entry = 32;
        int count = 0;
        for (Map.Entry<String, Long> e : longs.entrySet()) {
            byte[] name = (e.getKey() + "\0").getBytes(StandardCharsets.US_ASCII);
            int dataOffset = (20 + name.length + 7) & ~7;
            int length = dataOffset + 8;
            b.putInt(entry, length).putInt(entry + 4, 20).putInt(entry + 8, 0).put(entry + 12, (byte) 'J')
                    .putInt(entry + 16, dataOffset).put(entry + 20, name).putLong(entry + dataOffset, e.getValue());
            entry += length;
            count++;
        }
        byte[] name = (stringName + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] value = stringValue.getBytes(StandardCharsets.US_ASCII);
        int dataOffset = 20 + name.length;
        b.putInt(entry, dataOffset + value.length).putInt(entry + 4, 20).putInt(entry + 8, value.length)
                .put(entry + 12, (byte) 'B').putInt(entry + 16, dataOffset).put(entry + 20, name)
                .put(entry + dataOffset, value);
        count++;
        b.putInt(28, count);
        return b;
    }

    private static Map<String, Long> serialGc() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sun.gc.generation.0.space.0.used", 5_000_000L);  // eden: not after GC
        m.put("sun.gc.generation.0.space.1.used", 300_000L);
        m.put("sun.gc.generation.0.space.2.used", 0L);
        m.put("sun.gc.generation.1.space.0.used", 9_000_000L);
        m.put("sun.gc.generation.0.capacity", 11_000_000L);
        m.put("sun.gc.generation.1.capacity", 22_000_000L);
        m.put("java.threads.live", 23L);
        return m;
    }

    @Test
    void readsLongCountersInEitherByteOrder() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Map<String, Long> c = PerfData.longs(file(order, serialGc(), "java.property.java.vm.name", "OpenJDK"));
            assertEquals(serialGc(), c, order.toString());
            assertEquals(9_300_000, PerfData.heapAfterGc(c));
            assertEquals(33_000_000, PerfData.heapCommitted(c));
        }
    }

    @Test
    void missingCountersAndForeignFiles() {
        assertEquals(-1, PerfData.heapAfterGc(Map.of()));
        assertEquals(-1, PerfData.heapCommitted(Map.of("sun.gc.generation.0.capacity", 1L)));
        assertThrows(IllegalArgumentException.class, () -> PerfData.longs(ByteBuffer.allocate(64)));
        ByteBuffer truncated = file(ByteOrder.LITTLE_ENDIAN, serialGc(), "s", "v");
        truncated.limit(32 + 40);  // the first entry's header only
        assertEquals(Map.of(), PerfData.longs(truncated));
    }
}
