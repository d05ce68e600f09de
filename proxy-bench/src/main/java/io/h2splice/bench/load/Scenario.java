package io.h2splice.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One load shape, named as the command line names it: {@code unary-16B-c64} (unary calls of 16 bytes, 64 at a time)
 * or {@code stream-16KiB-x4} (bidi streams of 16 KiB messages, 4 streams). Sizes take {@code B}, {@code KiB},
 * {@code MiB}.
 *
 * @param kind        unary calls or bidi streams
 * @param payloadBytes the message's payload, each way
 * @param concurrency unary calls in flight (closed loop), or streams
 */
public record Scenario(Kind kind, int payloadBytes, int concurrency) {

    /** Unary calls, or bidi streams echoing messages. */
    public enum Kind { UNARY, STREAM }

    /** Messages in flight on one stream of a {@link Kind#STREAM} scenario (closed loop): 16 x 16 KiB = 256 KiB. */
    public static final int STREAM_WINDOW = 16;

    private static final Pattern NAME = Pattern.compile("(unary|stream)-(\\d+)(B|KiB|MiB)-([cx])(\\d+)");

    public Scenario {
        Objects.requireNonNull(kind, "kind");
        if (payloadBytes < 0 || concurrency < 1) {
            throw new IllegalArgumentException("payload must be >= 0 and concurrency >= 1");
        }
    }

    /** The four: latency (unary 16 B, 1 at a time), throughput (64 at a time), 64 KiB x 8, streaming. */
    public static List<Scenario> defaults() {
        return List.of(parse("unary-16B-c1"), parse("unary-16B-c64"), parse("unary-64KiB-c8"),
                parse("stream-16KiB-x4"));
    }

    /** @throws IllegalArgumentException with a message naming the expected form */
    public static Scenario parse(String name) {
        Matcher m = NAME.matcher(name.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad scenario '" + name + "': expected unary-<size>-c<N> or "
                    + "stream-<size>-x<N>, size in B, KiB or MiB (e.g. unary-16B-c64, stream-16KiB-x4)");
        }
        Kind kind = m.group(1).equals("unary") ? Kind.UNARY : Kind.STREAM;
        if ((kind == Kind.UNARY) != m.group(4).equals("c")) {
            throw new IllegalArgumentException("bad scenario '" + name + "': unary takes -c<N> (calls in flight), "
                    + "stream takes -x<N> (streams)");
        }
        long size = Long.parseLong(m.group(2)) * switch (m.group(3)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            default -> 1L;
        };
        long n = Long.parseLong(m.group(5));
        if (size > 64L * 1024 * 1024 || n < 1 || n > 10_000) {
            throw new IllegalArgumentException("bad scenario '" + name + "': size at most 64MiB, N from 1 to 10000");
        }
        return new Scenario(kind, (int) size, (int) n);
    }

    public Scenario withConcurrency(int n) {
        return new Scenario(kind, payloadBytes, n);
    }

    /** The name {@link #parse} reads. */
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT) + "-" + size(payloadBytes) + "-" + (kind == Kind.UNARY ? "c" : "x")
                + concurrency;
    }

    /** For people: {@code unary 16 B, 64 in flight}. */
    public String describe() {
        String size = size(payloadBytes).replaceAll("(\\d+)", "$1 ");
        return kind == Kind.UNARY
                ? "unary " + size + ", " + concurrency + " in flight"
                : "bidi streaming " + size + " messages, " + concurrency + " stream" + (concurrency == 1 ? "" : "s");
    }

    static String size(int bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + "KiB";
        }
        return bytes + "B";
    }
}
