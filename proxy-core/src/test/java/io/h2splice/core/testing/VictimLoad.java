package io.h2splice.core.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The well-behaved neighbour of an isolation test: unary Echo calls to an app through a sidecar at a fixed
 * rate, spread over four client connections of their own, each with a 5 s deadline. Its result is what the test
 * asserts on: every call must succeed, and its p99 must stay near its own baseline.
 */
public final class VictimLoad implements AutoCloseable {

    /** What one run saw. */
    public record Result(int calls, List<String> errors, long p50Micros, long p99Micros) {
        @Override
        public String toString() {
            return calls + " calls, " + errors.size() + " errors" + (errors.isEmpty() ? "" : " " + errors.subList(0,
                    Math.min(5, errors.size()))) + ", p50 " + p50Micros + " µs, p99 " + p99Micros + " µs";
        }
    }

    private final List<ManagedChannel> connections = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    /** Four connections of its own to the sidecar API port {@code apiPort}, calling app {@code appId}. */
    public VictimLoad(int apiPort, String appId) {
        for (int i = 0; i < 4; i++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress(TwoSidecars.loopback(apiPort)).usePlaintext()
                    .userAgent("h2splice-victim").build();
            connections.add(ch);
            channels.add(ClientInterceptors.intercept(ch,
                    MetadataUtils.newAttachHeadersInterceptor(GrpcCalls.routedTo(appId))));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel ch : connections) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code perSecond} calls a second for {@code duration}, then waits for the last answers (bounded). */
    public Result run(int perSecond, Duration duration) throws InterruptedException {
        int total = (int) (perSecond * duration.toMillis() / 1000);
        CountDownLatch done = new CountDownLatch(total);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / perSecond;
        byte[] payload = "victim".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long sent = System.nanoTime();
            Channel ch = channels.get(i % channels.size());
            ClientCalls.asyncUnaryCall(ch.newCall(TestService.ECHO,
                    CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS)), payload, new StreamObserver<>() {
                        @Override
                        public void onNext(byte[] value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.add(Status.fromThrowable(t).toString());
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            latencies.add((System.nanoTime() - sent) / 1_000); // from the intended send time
                            done.countDown();
                        }
                    });
        }
        if (!done.await(15, TimeUnit.SECONDS)) {
            errors.add((done.getCount()) + " calls unanswered 15 s after the load ended");
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(total, List.copyOf(errors), percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

}
