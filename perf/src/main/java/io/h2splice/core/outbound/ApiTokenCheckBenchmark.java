package io.h2splice.core.outbound;

import io.h2splice.core.headers.HeaderNames;
import io.h2splice.perf.support.Jvm;
import io.h2splice.perf.support.RequestHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The {@code DAPR_API_TOKEN} check alone ({@link ApiTokenCheck#allows}) on a decoded 20-entry request header set
 * carrying a 32-byte token: the right one, one differing in its last byte, one of another length, or none.
 *
 * <p>Budgets (perf/budgets.json): 0 B/op for every {@code token} (the header lookup and the byte compare allocate
 * nothing); 40 ns/op (measured with {@code perf/run --quick}: 25.7 ns right, 25.9 ns wrong last byte: the same time,
 * as a constant-time compare should; 18.9 ns another length, 2.2 ns missing).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS, Jvm.NO_LEAK_DETECTION, Jvm.GC, Jvm.XMS, Jvm.XMX})
@State(Scope.Thread)
public class ApiTokenCheckBenchmark {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Param({"RIGHT", "WRONG_LAST_BYTE", "OTHER_LENGTH", "MISSING"})
    public String token;

    private final ApiTokenCheck check = ApiTokenCheck.of(TOKEN);
    private Http2Headers h;

    @Setup(Level.Trial)
    public void setUp() {
        h = RequestHeaders.grpcJava(20, "server");
        String value = switch (token) {
            case "RIGHT" -> TOKEN;
            case "WRONG_LAST_BYTE" -> TOKEN.substring(0, 31) + "0";
            case "OTHER_LENGTH" -> "short";
            default -> null;
        };
        if (value != null) {
            h.set(HeaderNames.DAPR_API_TOKEN, AsciiString.of(value)); // decoded headers are AsciiStrings
        }
        if (check.allows(h) != token.equals("RIGHT")) {
            throw new IllegalStateException("unexpected result for " + token);
        }
    }

    @Benchmark
    public boolean allows() {
        return check.allows(h);
    }
}
