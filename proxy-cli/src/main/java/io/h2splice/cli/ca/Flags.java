package io.h2splice.cli.ca;

import io.h2splice.cli.UsageException;
import io.h2splice.tls.ca.KeyAlgorithm;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the {@code ca} flags that picocli leaves as strings, so errors read like {@code run}'s. */
final class Flags {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private Flags() {
    }

    static KeyAlgorithm keyAlgorithm(String value) {
        try {
            return KeyAlgorithm.fromFlag(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--key-algorithm: " + e.getMessage());
        }
    }

    /**
     * A Go duration as Dapr's Configuration writes them ({@code 24h}, {@code 90m}, {@code 1h30m}, {@code 1.5h}), plus
     * a day unit {@code d}.
     */
    static Duration duration(String value, String flag) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith("d") && v.length() > 1 && v.substring(0, v.length() - 1).chars().allMatch(Character::isDigit)) {
            return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        Matcher m = DURATION_PART.matcher(v);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < v.length() && m.find(at) && m.start() == at) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (v.isEmpty() || at != v.length()) {
            throw new UsageException(flag + ": '" + value + "' is not a duration (use e.g. 24h, 90m, 1h30m, 7d)");
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            throw new UsageException(flag + ": '" + value + "' is too long");
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }
}
