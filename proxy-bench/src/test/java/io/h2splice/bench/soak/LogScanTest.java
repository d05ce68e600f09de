package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogScanTest {

    @Test
    void leaksWarningsAndErrorsInPlainAndJsonLines() {
        List<String> lines = List.of(
                "time=\"2026-12-06T15:00:00Z\" level=info msg=\"h2splice is ready\" app_id=server",
                "time=\"2026-12-06T15:00:01Z\" level=error msg=\"LEAK: ByteBuf.release() was not called before it's "
                        + "garbage-collected.\\nRecent access records: \\n#1:\" scope=io.netty.util.ResourceLeakDetector",
                "time=\"2026-12-06T15:00:02Z\" level=warning msg=\"refused handshake\" app_id=server",
                "{\"level\":\"error\",\"msg\":\"connection failed\"}",
                "{\"level\":\"warning\",\"msg\":\"slow\"}",
                "\tat io.netty.buffer.AbstractByteBufAllocator.directBuffer(AbstractByteBufAllocator.java:188)");
        LogScan s = LogScan.of("2hop-mtls-sidecar-A.log", lines);
        assertEquals(1, s.leaks(), "the leak line counts as a leak, not also as an error");
        assertEquals(1, s.errors());
        assertEquals(2, s.warnings());
        assertTrue(s.leakLines().get(0).startsWith("2hop-mtls-sidecar-A.log: time="), s.leakLines().get(0));
        LogScan twice = s.plus(s);
        assertEquals(2, twice.leaks());
        assertEquals(4, twice.warnings());
        assertEquals(4, twice.warningLines().size());
    }

    @Test
    void keepsOnlyTheFirstExamples() {
        List<String> many = java.util.Collections.nCopies(50, "LEAK: x");
        LogScan s = LogScan.of("a", many);
        assertEquals(50, s.leaks());
        assertEquals(LogScan.EXAMPLES, s.leakLines().size());
        assertEquals(LogScan.EXAMPLES, s.plus(s).leakLines().size());
    }
}
