package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.ArrayList;

/**
 * The request frames of one call that the upstream stream has not taken yet (pending, while the upstream connection
 * is being dialled) and those it took but that must be kept to replay the request on a fresh connection if the
 * peer refuses the stream (REFUSED_STREAM or GOAWAY), or to retry it under a resiliency policy. Replay is kept until
 * the first response frame reaches the client or the limit ({@link #REPLAY_LIMIT}, or the policy's larger
 * {@code --max-retry-buffer}) was passed, whichever comes first; after that the call is no longer replayable.
 *
 * <p>Ownership: every {@link ByteBuf} in here holds one reference owned by this log; {@link #releaseAll()} drops them.
 * The replay's bytes are charged to the call's connection ({@link MemoryAccount}) while kept: they were credited to
 * the client when written, so its flow control no longer bounds them. Pending DATA is not credited yet, and is
 * charged by the flow controller as held.
 * Threading: confined to the splice's event loop.
 */
final class RequestLog {

    /** Bytes of request DATA kept for a refused-stream retry. */
    static final int REPLAY_LIMIT = 256 * 1024;

    /** Pending DATA (owned), with the flow-control bytes (data + padding) each one returns when written. */
    private ArrayList<ByteBuf> pending; // created on the first frame that arrives before the upstream stream
    private final IntFifo pendingBytes = new IntFifo();
    private Http2Headers pendingTrailers;

    /** Sent DATA kept for replay: retained duplicates with their own indexes (owned). */
    private ArrayList<ByteBuf> replay;
    private int replayBytes;
    /** Bytes of the frames in {@link #replay}: charged to {@link #memory} until released. */
    private int keptBytes;
    private int limit = REPLAY_LIMIT;
    private boolean replayable = true;
    private final MemoryAccount memory;

    RequestLog(MemoryAccount memory) {
        this.memory = memory;
    }

    /** Keeps up to {@code bytes} for replay when that is more than {@link #REPLAY_LIMIT}; before the first frame. */
    void keepAtLeast(int bytes) {
        limit = Math.max(REPLAY_LIMIT, bytes);
    }

    /** Request DATA bytes sent so far (counted as long as replay was possible). */
    int replayBytes() {
        return replayBytes;
    }

    void addPending(ByteBuf data, int flowControlBytes) {
        if (pending == null) {
            pending = new ArrayList<>(2);
        }
        pending.add(data);
        pendingBytes.add(flowControlBytes);
    }

    void addPendingTrailers(Http2Headers trailers) {
        pendingTrailers = trailers;
    }

    /** True when the request's end travels on pending trailers rather than on the last pending DATA. */
    boolean hasPendingTrailersOnly() {
        return pendingTrailers != null;
    }

    int pendingCount() {
        return pending == null ? 0 : pending.size();
    }

    /** Hands over pending DATA {@code i}: the caller owns the returned reference. */
    ByteBuf takePending(int i) {
        ByteBuf b = pending.get(i);
        pending.set(i, null);
        return b;
    }

    int pendingFlowControlBytes() {
        return pendingBytes.poll();
    }

    Http2Headers takePendingTrailers() {
        Http2Headers t = pendingTrailers;
        pendingTrailers = null;
        return t;
    }

    void clearPending() {
        if (pending != null) {
            pending.clear();
        }
    }

    boolean isReplayable() {
        return replayable;
    }

    /**
     * Keeps what is about to be sent, for a possible replay. {@code data} stays owned by the caller: the log takes a
     * retained duplicate (an object, never a copy of the bytes).
     */
    void keepForReplay(ByteBuf data) {
        if (!replayable) {
            return;
        }
        replayBytes += data.readableBytes();
        if (replayBytes > limit) {
            stopReplay();
            return;
        }
        if (replay == null) {
            replay = new ArrayList<>(2);
        }
        replay.add(data.retainedDuplicate());
        keptBytes += data.readableBytes();
        memory.charge(data.readableBytes());
    }

    /** Bytes kept for a replay now. */
    int keptBytes() {
        return keptBytes;
    }

    int replayCount() {
        return replay == null ? 0 : replay.size();
    }

    /** A new reference to replay frame {@code i}, owned by the caller. */
    ByteBuf replayFrame(int i) {
        return replay.get(i).retainedDuplicate();
    }

    /** The response started (or the limit was hit): replay is no longer possible; release what was kept. */
    void stopReplay() {
        replayable = false;
        if (replay != null) {
            for (ByteBuf b : replay) {
                b.release();
            }
            replay = null;
        }
        memory.charge(-keptBytes);
        keptBytes = 0;
    }

    /** Releases every buffer still owned; used when the call ends. */
    void releaseAll() {
        if (pending != null) {
            for (int i = 0; i < pending.size(); i++) {
                ByteBuf b = pending.get(i);
                if (b != null) {
                    b.release();
                }
            }
            pending.clear();
        }
        pendingTrailers = null;
        stopReplay();
    }
}
