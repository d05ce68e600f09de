package io.h2splice.core.splice;

import io.h2splice.perf.support.Jvm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link MessageSizeGuard#check} (the {@code --max-body-size} check, package-private) on one 16 KiB DATA payload
 * holding gRPC messages of {@code message} bytes each (prefix included): one whole message per frame (16384), or
 * many small ones (16, 1024) whose prefixes are all read in place.
 *
 * <p>Budgets (perf/budgets.json): 16384: 8 ns/op (measured 3.8); 1024: 70 ns/op (measured 43.9); 16: 5,000 ns/op
 * (measured 3,264: 1,024 prefixes, about 3.2 ns each); 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class MessageSizeGuardBenchmark {

    private static final int FRAME = 16_384;

    /** Bytes per gRPC message, its 5-byte prefix included; FRAME is a multiple of each. */
    @Param({"16", "1024", "16384"})
    public int message;

    private ByteBuf data;
    private MessageSizeGuard guard;

    @Setup(Level.Trial)
    public void setUp() {
        data = Unpooled.directBuffer(FRAME, FRAME);
        for (int at = 0; at < FRAME; at += message) {
            data.writeByte(0);
            data.writeInt(message - 5);
            data.writeZero(message - 5);
        }
        guard = new MessageSizeGuard(4L << 20);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.release();
    }

    @Benchmark
    public long check() {
        return guard.check(data); // frames end on message boundaries: the guard's state is the same every op
    }
}
