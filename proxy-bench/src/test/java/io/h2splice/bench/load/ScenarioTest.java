package io.h2splice.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioTest {

    @Test
    void namesRoundTrip() {
        for (String n : List.of("unary-16B-c1", "unary-16B-c64", "unary-64KiB-c8", "stream-16KiB-x4",
                "unary-1MiB-c2", "unary-1000B-c3")) {
            assertEquals(n, Scenario.parse(n).name());
        }
        Scenario s = Scenario.parse("unary-64KiB-c8");
        assertEquals(new Scenario(Scenario.Kind.UNARY, 65_536, 8), s);
        assertEquals("unary-64KiB-c16", s.withConcurrency(16).name());
        assertEquals("bidi streaming 16 KiB messages, 4 streams", Scenario.parse("stream-16KiB-x4").describe());
        assertEquals("unary 16 B, 64 in flight", Scenario.parse("unary-16B-c64").describe());
        assertEquals(4, Scenario.defaults().size());
    }

    @Test
    void badNamesSayWhatIsExpected() {
        for (String bad : List.of("unary", "unary-16-c1", "unary-16B-x1", "stream-16KiB-c4", "unary-16B-c0",
                "unary-128MiB-c1", "rpc-16B-c1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad scenario '" + bad + "'"), e.getMessage());
        }
    }
}
