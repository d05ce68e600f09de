package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2splice.cli.UsageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "0, 0", "4096, 4096", "4Ki, 4096", "16Mi, 16777216", "1Gi, 1073741824", "2Ti, 2199023255552",
        "1Pi, 1125899906842624", "1Ei, 1152921504606846976", "4k, 4000", "4M, 4000000", "1G, 1000000000",
        "1T, 1000000000000", "1P, 1000000000000000", "1E, 1000000000000000000", "1.5Mi, 1572864", "0.5Ki, 512",
        ".5Ki, 512", "1e6, 1000000", "2E3, 2000", "1e-1, 1", "1500m, 2", "1m, 1", "' 8Mi ', 8388608", "+3k, 3000",
        "9223372036854775807, 9223372036854775807"
    })
    void parses(String text, long bytes) {
        assertEquals(bytes, Quantity.bytes(text, "--max-body-size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Mi", "16Q", "16 Mi", "16mi", "16KI", "1.2.3", "0x10", "4Ki4", "e3", "1e"})
    void rejectsWithTheFlagAndValue(String text) {
        UsageException e = assertThrows(UsageException.class, () -> Quantity.bytes(text, "--max-body-size"));
        assertEquals("--max-body-size: '" + text + "' is not a size; use bytes or a quantity such as 4Ki, 16Mi, "
                + "1Gi or 4M", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-4Ki"})
    void rejectsNegative(String text) {
        assertEquals("--read-buffer-size: '" + text + "' must not be negative",
                assertThrows(UsageException.class, () -> Quantity.bytes(text, "--read-buffer-size")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8Ei", "9223372036854775808", "1e999"})
    void rejectsTooLarge(String text) {
        assertEquals("--max-body-size: '" + text + "' is too large",
                assertThrows(UsageException.class, () -> Quantity.bytes(text, "--max-body-size")).getMessage());
    }
}
