package io.h2splice.cli;

/**
 * Netty settings a sidecar process starts with, set as system properties before any Netty class is loaded; one a user
 * set on the command line ({@code -D...}, e.g. through {@code H2SPLICE_JAVA_OPTS}) is kept.
 *
 * <ul>
 *   <li>{@code io.netty.allocator.lowMemory=false}. Netty 4.2's allocator judges a JVM whose heap is at most 512 MiB
 *       short of memory and then pools with one shared magazine and no thread-local ones, in chunks of at most 2 MiB.
 *       A sidecar's heap is small by design (256 MiB from {@code bin/h2splice}) while its buffers are direct memory
 *       the governor watches, so that judgement is wrong here: with it off, two sidecars relaying 64 KiB calls spent
 *       20 % less CPU per call and carried 13 % more, small calls at 64 in flight 11 % less CPU, and peak RSS did not
 *       move (perf/results/2026-12-06-allocator-low-memory.md).</li>
 *   <li>{@code io.netty.leakDetection.samplingInterval=1024}. Netty's leak detector (level SIMPLE by default) tracks
 *       one buffer in 128 and records a stack trace for each of those when it is made and when it is freed; profiled
 *       in two sidecars relaying 64 KiB calls that was 4–5 % of a sidecar's CPU
 *       (perf/results/2026-12-07-read-path.md). One in 1,024 still reports a buffer leaked on every call within
 *       seconds under load; {@code -Dio.netty.leakDetection.level=paranoid} tracks every buffer, for a hunt.</li>
 * </ul>
 */
final class NettyDefaults {

    static final String LOW_MEMORY = "io.netty.allocator.lowMemory";
    static final String LEAK_SAMPLING = "io.netty.leakDetection.samplingInterval";

    private NettyDefaults() {
    }

    static void apply() {
        if (System.getProperty(LOW_MEMORY) == null) {
            System.setProperty(LOW_MEMORY, "false");
        }
        if (System.getProperty(LEAK_SAMPLING) == null) {
            System.setProperty(LEAK_SAMPLING, "1024");
        }
    }
}
