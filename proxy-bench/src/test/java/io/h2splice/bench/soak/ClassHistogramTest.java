package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassHistogramTest {

    // jcmd <pid> GC.class_histogram of a JDK 17 sidecar, shortened
    static final String OUTPUT = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          7884        1099056  [B (java.base@17.0.15)
               2:          1815         299984  [Ljava.lang.Object; (java.base@17.0.15)
               3:          4266         136512  java.util.concurrent.ConcurrentHashMap$Node (java.base@17.0.15)
               4:           624          44928  io.netty.buffer.PoolSubpage
               5:          1290          41280  java.util.HashMap$Node (java.base@17.0.15)
               6:            12            576  io.h2splice.core.pool.SidecarPool
               7:             1             16  io.h2splice.core.resolve.DnsCache$$Lambda$412/0x0000000800d3c440
            Total         15892        1622352
            """;

    @Test
    void parsesRowsWithoutModulesAndTheTotals() {
        ClassHistogram h = ClassHistogram.parse(OUTPUT);
        assertEquals(7, h.rows().size());
        assertEquals(new ClassHistogram.Row("[B", 7884, 1_099_056), h.rows().get(0));
        assertEquals(new ClassHistogram.Row("io.netty.buffer.PoolSubpage", 624, 44_928), h.rows().get(3));
        assertEquals("java.util.concurrent.ConcurrentHashMap$Node", h.rows().get(2).className());
        assertEquals("io.h2splice.core.resolve.DnsCache$$Lambda$412/0x0000000800d3c440", h.rows().get(6).className());
        assertEquals(15_892, h.totalInstances());
        assertEquals(1_622_352, h.totalBytes());
    }

    @Test
    void topRowsAndOurOwnClasses() {
        List<ClassHistogram.Row> rows = ClassHistogram.parse(OUTPUT).topAnd(2, List.of("io.h2splice."));
        assertEquals(List.of("[B", "[Ljava.lang.Object;", "io.h2splice.core.pool.SidecarPool",
                "io.h2splice.core.resolve.DnsCache$$Lambda$412/0x0000000800d3c440"),
                rows.stream().map(ClassHistogram.Row::className).toList());
    }

    @Test
    void aFailedJcmdIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassHistogram.parse("12345:\ncom.sun.tools.attach.AttachNotSupportedException: no such process"));
    }
}
