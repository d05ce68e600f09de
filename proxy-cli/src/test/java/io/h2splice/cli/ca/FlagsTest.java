package io.h2splice.cli.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2splice.cli.UsageException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlagsTest {

    @ParameterizedTest
    @CsvSource({
        "24h, PT24H",
        "90m, PT1H30M",
        "1h30m, PT1H30M",
        "1.5h, PT1H30M",
        "45s, PT45S",
        "1500ms, PT1.5S",
        "2h0m10s, PT2H10S",
        "7d, PT168H",
        "' 10m ', PT10M",
        "0s, PT0S",
    })
    void goDurations(String text, String iso) {
        assertEquals(Duration.parse(iso), Flags.duration(text, "--ttl"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "h", "1x", "1h 30m", "-1h", "1d2h", "24 h", "1e3s", "99999999999999h"})
    void notDurations(String text) {
        UsageException e = assertThrows(UsageException.class, () -> Flags.duration(text, "--ttl"));
        assertEquals(true, e.getMessage().startsWith("--ttl: '" + text + "' is "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"PT5S, 5s", "PT90S, 1m", "PT1H, 1h", "PT1H1M, 1h1m", "PT23H59M59S, 23h59m", "PT48H, 2d",
        "PT49H30M, 2d1h"})
    void humanDurations(String iso, String text) {
        assertEquals(text, CertificateReport.human(Duration.parse(iso)));
    }
}
