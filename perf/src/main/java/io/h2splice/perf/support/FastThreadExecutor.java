package io.h2splice.perf.support;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads as Netty {@code FastThreadLocalThread}s, like the event loops the proxy runs on, so that
 * {@code FastThreadLocal} lookups and Netty's {@code Recycler} behave as in production. Selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.h2splice.perf.support.FastThreadExecutor} (perf/run and every
 * benchmark's {@code @Fork} pass it).
 */
public final class FastThreadExecutor extends ThreadPoolExecutor {

    /** JMH's contract for a custom executor: (max threads, thread name prefix). */
    public FastThreadExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
