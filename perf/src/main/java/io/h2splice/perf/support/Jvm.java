package io.h2splice.perf.support;

/**
 * JVM flags every benchmark fork gets. perf/run passes the same list with {@code -jvmArgsAppend} (which replaces what
 * {@code @Fork} says), adding only what it is asked for.
 */
public final class Jvm {

    /** JMH's workers as Netty event-loop threads ({@link FastThreadExecutor}). */
    public static final String EXECUTOR = "-Djmh.executor=CUSTOM";
    public static final String EXECUTOR_CLASS = "-Djmh.executor.class=io.h2splice.perf.support.FastThreadExecutor";
    /** No leak-detector sampling in timed code; perf/run --paranoid checks for leaks separately. */
    public static final String NO_LEAK_DETECTION = "-Dio.netty.leakDetectionLevel=disabled";
    /** The sidecar's own heap and collector, as bin/h2splice starts it. */
    public static final String GC = "-XX:+UseSerialGC";
    public static final String XMS = "-Xms32m";
    public static final String XMX = "-Xmx256m";

    private Jvm() {
    }
}
