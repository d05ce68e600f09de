package io.h2splice.cli.run;

import io.h2splice.cli.UsageException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities as byte counts, as daprd reads {@code --max-body-size} and
 * {@code --read-buffer-size}: plain bytes ({@code 4096}), binary suffixes ({@code 4Ki 16Mi 1Gi Ti Pi Ei}), decimal
 * suffixes ({@code 4k 16M 1G T P E}, {@code m} for thousandths) and exponents ({@code 1e6}). Fractions are allowed
 * ({@code 1.5Mi}) and round up to a whole byte, as Kubernetes' {@code Quantity.Value()} does.
 */
final class Quantity {

    private static final Pattern QUANTITY =
            Pattern.compile("([+-]?)(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\\d{1,3})?");
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantity() {
    }

    /**
     * @param flag names the value in the message, e.g. {@code --max-body-size}
     * @throws UsageException with one line naming the flag and the value
     */
    static long bytes(String text, String flag) {
        String s = text == null ? "" : text.strip();
        Matcher m = QUANTITY.matcher(s);
        if (!m.matches()) {
            throw new UsageException(flag + ": '" + text
                    + "' is not a size; use bytes or a quantity such as 4Ki, 16Mi, 1Gi or 4M");
        }
        if ("-".equals(m.group(1))) {
            throw new UsageException(flag + ": '" + text + "' must not be negative");
        }
        BigDecimal value = scale(new BigDecimal(m.group(2)), m.group(3) == null ? "" : m.group(3));
        BigDecimal whole = value.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(MAX) > 0) {
            throw new UsageException(flag + ": '" + text + "' is too large");
        }
        return whole.longValueExact();
    }

    private static BigDecimal scale(BigDecimal n, String suffix) {
        return switch (suffix) {
            case "" -> n;
            case "Ki" -> n.multiply(binary(10));
            case "Mi" -> n.multiply(binary(20));
            case "Gi" -> n.multiply(binary(30));
            case "Ti" -> n.multiply(binary(40));
            case "Pi" -> n.multiply(binary(50));
            case "Ei" -> n.multiply(binary(60));
            case "m" -> n.scaleByPowerOfTen(-3);
            case "k" -> n.scaleByPowerOfTen(3);
            case "M" -> n.scaleByPowerOfTen(6);
            case "G" -> n.scaleByPowerOfTen(9);
            case "T" -> n.scaleByPowerOfTen(12);
            case "P" -> n.scaleByPowerOfTen(15);
            case "E" -> n.scaleByPowerOfTen(18);
            default -> n.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))); // e/E exponent, at most 3 digits
        };
    }

    private static BigDecimal binary(int shift) {
        return new BigDecimal(BigInteger.ONE.shiftLeft(shift));
    }
}
