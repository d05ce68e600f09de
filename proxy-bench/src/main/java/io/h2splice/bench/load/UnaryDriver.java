package io.h2splice.bench.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.bench.Echo;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Unary echo calls. Closed loop: {@code concurrency} calls in flight, each answer starting the next. Open loop: a
 * {@link Pacer} releases calls at the rate, latency counted from each call's intended time; at most
 * {@link #MAX_OUTSTANDING} in flight, later calls wait (and their wait counts).
 */
final class UnaryDriver implements Driver {

    static final int MAX_OUTSTANDING = 10_000;
    private static final long RETRY_AFTER_ERROR_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Channel channel;
    private final Metadata headers;
    private final byte[] payload;
    private final Stats stats;
    private final EventLoop loop;
    private final int concurrency;
    private final Pacer pacer;  // null: closed loop
    private final Set<ClientCall<byte[], byte[]>> calls = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean stopped;
    private boolean tickScheduled;

    UnaryDriver(Channel channel, Metadata headers, byte[] payload, Stats stats, EventLoop loop, int concurrency,
                Pacer pacer) {
        this.channel = channel;
        this.headers = headers;
        this.payload = payload;
        this.stats = stats;
        this.loop = loop;
        this.concurrency = concurrency;
        this.pacer = pacer;
    }

    @Override
    public void start() {
        assert loop.inEventLoop();
        if (pacer == null) {
            for (int i = 0; i < concurrency; i++) {
                send(System.nanoTime());
            }
        } else {
            tick();
        }
    }

    private void tick() {
        tickScheduled = false;
        if (stopped) {
            return;
        }
        pacer.release(System.nanoTime(), MAX_OUTSTANDING - calls.size(), this::send);
        if (calls.size() < MAX_OUTSTANDING) {
            scheduleTick();
        }  // else the next answer ticks
    }

    private void scheduleTick() {
        if (!tickScheduled) {
            tickScheduled = true;
            loop.schedule(this::tick, pacer.nanosUntilNext(System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void send(long intendedNanos) {
        ClientCall<byte[], byte[]> call = channel.newCall(Echo.UNARY, CallOptions.DEFAULT);
        calls.add(call);
        Metadata md = new Metadata();
        md.merge(headers);
        call.start(new Answer(call, intendedNanos), md);
        call.request(1);
        call.sendMessage(payload);
        call.halfClose();
    }

    private final class Answer extends ClientCall.Listener<byte[]> {
        private final ClientCall<byte[], byte[]> call;
        private final long intendedNanos;
        private int echoed = -1;

        Answer(ClientCall<byte[], byte[]> call, long intendedNanos) {
            this.call = call;
            this.intendedNanos = intendedNanos;
        }

        @Override
        public void onMessage(byte[] message) {
            echoed = message.length;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            long now = System.nanoTime();
            calls.remove(call);
            boolean ok = status.isOk() && echoed == payload.length;
            if (ok) {
                stats.record(now - intendedNanos);
            } else if (status.isOk()) {
                stats.error("echo answered " + echoed + " bytes, sent " + payload.length);
            } else if (!(stopped && status.getCode() == Status.Code.CANCELLED)) {
                stats.error(status);
            }
            if (stopped) {
                return;
            }
            if (pacer != null) {
                scheduleTick();
            } else if (ok) {
                send(now);
            } else {
                // a failing path answers at once: do not spin on it
                loop.schedule(() -> {
                    if (!stopped) {
                        send(System.nanoTime());
                    }
                }, RETRY_AFTER_ERROR_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public int inFlight() {
        return calls.size();
    }

    @Override
    public int cancelAll() {
        int n = calls.size();
        for (ClientCall<byte[], byte[]> c : new ArrayList<>(calls)) {
            c.cancel("the benchmark window ended and the call did not finish", null);
        }
        return n;
    }
}
