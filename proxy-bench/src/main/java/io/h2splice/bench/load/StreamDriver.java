package io.h2splice.bench.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.bench.Echo;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bidi echo streams. Each stream keeps up to {@link Scenario#STREAM_WINDOW} messages in flight and sends only while
 * gRPC says the stream is ready, so the proxies' flow control sets the pace; latency is per message, from its send
 * (closed loop) or intended send (open loop: the {@link Pacer} hands messages to the streams in turn and they queue
 * while a stream is full) to its echo. A stream that fails is reopened after 10 ms.
 */
final class StreamDriver implements Driver {

    private static final long REOPEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Channel channel;
    private final Metadata headers;
    private final byte[] payload;
    private final Stats stats;
    private final EventLoop loop;
    private final Pacer pacer;  // null: closed loop
    private final List<Stream> streams = new ArrayList<>();
    private boolean stopped;
    private boolean tickScheduled;
    private int nextStream;

    StreamDriver(Channel channel, Metadata headers, byte[] payload, Stats stats, EventLoop loop, int streamCount,
                 Pacer pacer) {
        this.channel = channel;
        this.headers = headers;
        this.payload = payload;
        this.stats = stats;
        this.loop = loop;
        this.pacer = pacer;
        for (int i = 0; i < streamCount; i++) {
            streams.add(new Stream());
        }
    }

    @Override
    public void start() {
        assert loop.inEventLoop();
        for (Stream s : streams) {
            s.open();
        }
        if (pacer != null) {
            tick();
        }
    }

    private void tick() {
        tickScheduled = false;
        if (stopped) {
            return;
        }
        int queued = 0;
        for (Stream s : streams) {
            queued += s.sent.size() + s.pending.size();
        }
        pacer.release(System.nanoTime(), Math.max(0, UnaryDriver.MAX_OUTSTANDING - queued), intended -> {
            Stream s = streams.get(nextStream);
            nextStream = (nextStream + 1) % streams.size();
            s.pending.add(intended);
        });
        for (Stream s : streams) {
            s.pump();
        }
        scheduleTick();
    }

    private void scheduleTick() {
        if (!tickScheduled) {
            tickScheduled = true;
            // at the cap nothing is released: look again in 20 µs rather than spin
            long delay = Math.max(pacer.nanosUntilNext(System.nanoTime()), TimeUnit.MICROSECONDS.toNanos(20));
            loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** One bidi stream: its call, the send times awaiting their echo, and (open loop) messages waiting to be sent. */
    private final class Stream extends ClientCall.Listener<byte[]> {
        final LongFifo sent = new LongFifo();
        final LongFifo pending = new LongFifo();
        ClientCall<byte[], byte[]> call;

        void open() {
            sent.clear();
            call = channel.newCall(Echo.STREAM, CallOptions.DEFAULT);
            Metadata md = new Metadata();
            md.merge(headers);
            call.start(this, md);
            call.request(Scenario.STREAM_WINDOW);
            pump();
        }

        void pump() {
            if (call == null || stopped) {
                return;
            }
            while (sent.size() < Scenario.STREAM_WINDOW && call.isReady()) {
                long intended;
                if (pacer == null) {
                    intended = System.nanoTime();
                } else if (!pending.isEmpty()) {
                    intended = pending.poll();
                } else {
                    return;
                }
                sent.add(intended);
                call.sendMessage(payload);
            }
        }

        @Override
        public void onReady() {
            pump();
        }

        @Override
        public void onMessage(byte[] message) {
            long now = System.nanoTime();
            if (sent.isEmpty()) {
                stats.error("echo stream answered a message that was not sent");
            } else if (message.length != payload.length) {
                sent.poll();
                stats.error("echo answered " + message.length + " bytes, sent " + payload.length);
            } else {
                stats.record(now - sent.poll());
            }
            call.request(1);
            pump();
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            call = null;
            if (stopped) {
                if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                    stats.error(status);
                }
                return;
            }
            stats.error(status.isOk() ? Status.INTERNAL.withDescription("the echo stream ended early") : status);
            loop.schedule(() -> {
                if (!stopped) {
                    open();
                }
            }, REOPEN_AFTER_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void stop() {
        stopped = true;
        for (Stream s : streams) {
            if (s.call != null) {
                s.call.halfClose();
            }
        }
    }

    @Override
    public int inFlight() {
        int n = 0;
        for (Stream s : streams) {
            if (s.call != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int cancelAll() {
        int n = 0;
        for (Stream s : streams) {
            if (s.call != null) {
                s.call.cancel("the benchmark window ended and the stream did not finish", null);
                n++;
            }
        }
        return n;
    }
}
