package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakOptionsTest {

    @Test
    void defaultsAroundTheDuration() {
        SoakOptions o = SoakOptions.parse(new String[] {"--soak", "30m"});
        assertEquals(1800, o.durationSeconds());
        assertEquals(180, o.paranoidSeconds());
        assertEquals(300, o.warmupSeconds());
        assertEquals(300, o.rate());
        assertEquals(SoakOptions.PARANOID_RATE, o.paranoidRate());
        assertEquals(1, o.seed());
        assertEquals(1, o.workers());
        assertFalse(o.help());
    }

    @Test
    void everyFlag() {
        SoakOptions o = SoakOptions.parse(new String[] {"--soak=3m", "--soak-paranoid", "1m", "--soak-warmup=60",
            "--rate", "150", "--soak-paranoid-rate", "40", "--seed", "-7", "--workers", "2", "--out", "/tmp/x",
            "--h2splice-jar", "h.jar", "--sidecar-jvm-opts", "-Xmx64m"});
        assertEquals(180, o.durationSeconds());
        assertEquals(60, o.paranoidSeconds());
        assertEquals(60, o.warmupSeconds());
        assertEquals(150, o.rate());
        assertEquals(40, o.paranoidRate());
        assertEquals(-7, o.seed());
        assertEquals(2, o.workers());
        assertEquals(Path.of("/tmp/x"), o.out());
        assertEquals(Path.of("h.jar"), o.h2spliceJar());
        assertEquals("-Xmx64m", o.sidecarJvmOpts());
    }

    @Test
    void durations() {
        assertEquals(90, SoakOptions.seconds("--soak", "90s", false));
        assertEquals(90, SoakOptions.seconds("--soak", "90", false));
        assertEquals(150, SoakOptions.seconds("--soak", "2m30s", false));
        assertEquals(3600, SoakOptions.seconds("--soak", "1h", false));
        assertEquals(0, SoakOptions.seconds("--soak-paranoid", "0", true));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.seconds("--soak", "0", false));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.seconds("--soak", "", false));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.seconds("--soak", "1.5m", false));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.seconds("--soak", "25h", false));
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertEquals("--soak needs a duration",
                assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--rate", "5"}))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SoakOptions.parse(new String[] {"--soak", "1m", "--duration", "5"})).getMessage()
                .startsWith("unknown flag --duration"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SoakOptions.parse(new String[] {"--soak", "1m", "--bogus"})).getMessage()
                .startsWith("unknown flag --bogus (the soak takes --soak, --soak-paranoid"));
        assertEquals("--rate given twice", assertThrows(IllegalArgumentException.class,
                () -> SoakOptions.parse(new String[] {"--soak", "1m", "--rate", "5", "--rate", "6"})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--soak", "1m", "--rate",
            "0"}));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--soak"}));
        assertTrue(SoakOptions.parse(new String[] {"--help"}).help());
    }

    @Test
    void theBenchmarkHandsOverOnlyWhenAskedFor() {
        assertTrue(SoakOptions.wanted(new String[] {"--soak", "30m"}));
        assertTrue(SoakOptions.wanted(new String[] {"--out", "x", "--soak=1m"}));
        assertFalse(SoakOptions.wanted(new String[] {"--soak-paranoid", "1m"}));
        assertFalse(SoakOptions.wanted(new String[] {"--duration", "5"}));
    }
}
