package io.h2splice.core.splice;

import io.h2splice.core.pool.PoolWaiter;
import io.h2splice.core.pool.PooledConnection;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.routing.Route;
import io.h2splice.core.status.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One try of a {@link Call} at its target: the address resolved and the connection acquired for it, one upstream
 * stream, the response HEADERS held back while the call may still be retried, and the credit owed to the upstream
 * for response DATA written downstream. The call makes a new attempt for each try (a policy retry, or the one replay
 * on a fresh connection after the upstream refused the stream) and drops the old one; nothing here is ever reset.
 * Whether an ended attempt is retried is the call's decision ({@link PolicyRun}), not the attempt's.
 *
 * <p>An attempt the call has moved on from is abandoned: a late resolver or pool answer for it is dropped here, and
 * its stream is detached from its connection, so no frame of it reaches the call.
 *
 * <p>Threading: confined to the call's event loop.
 */
final class Attempt implements PoolWaiter, StreamOwner {

    private enum Phase { RESOLVING, CONNECTING, OPEN }

    private final Call call;
    /** Earlier attempts sent part of the request: the stream opened first carries what the request log kept. */
    private final boolean replaysLog;
    /** This attempt is the replay after a refused stream: a second refusal is not replayed again. */
    private final boolean afterRefusal;
    private final IntFifo responseCredit = new IntFifo();
    /** A response DATA frame was written downstream: return its bytes to the upstream's window. */
    private final ChannelFutureListener responseWritten = f -> creditUpstream();

    private Phase phase = Phase.RESOLVING;
    private UpstreamPool pool;
    private UpstreamHandler up;
    private Http2Stream upStream;
    /** Response HEADERS held back while the call may still be retried; written before the first DATA. */
    private Http2Headers heldHeaders;
    private long resetCode = -1;
    private boolean refused;

    Attempt(Call call, boolean replaysLog, boolean afterRefusal) {
        this.call = call;
        this.replaysLog = replaysLog;
        this.afterRefusal = afterRefusal;
    }

    // === finding a connection ===

    /** Resolves the call's target, then asks its pool for a connection. */
    void resolve() {
        LoopState loop = call.loop();
        Route route = call.route();
        var future = loop.resolver().resolve(route.appId(), route.namespace());
        if (future.isDone()) {
            List<InetSocketAddress> addresses = null;
            Throwable error = null;
            try {
                addresses = future.join();
            } catch (RuntimeException e) {
                error = e;
            }
            onResolved(addresses, error);
        } else {
            future.whenComplete((addresses, error) -> loop.eventLoop().execute(() -> onResolved(addresses, error)));
        }
    }

    private void onResolved(List<InetSocketAddress> addresses, Throwable error) {
        if (isAbandoned()) {
            return; // the call ended, or this attempt timed out while resolving
        }
        Route route = call.route();
        LoopState loop = call.loop();
        String target = route.namespace().equals(loop.config().namespace())
                ? route.appId() : route.appId() + "." + route.namespace();
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            call.attemptFailed(ProxyError.RESOLVER_FAILED, target, cause.getMessage());
            return;
        }
        if (addresses == null || addresses.isEmpty()) {
            call.attemptFailed(ProxyError.UNKNOWN_APP, target);
            return;
        }
        connect(loop.sidecarPool(route.appId(), route.namespace(), loop.pick(addresses)));
    }

    /** Asks {@code pool} for a connection with room for this attempt's stream. */
    void connect(UpstreamPool pool) {
        this.pool = pool;
        phase = Phase.CONNECTING;
        pool.acquire(this);
    }

    /** As {@link #connect}, on a connection made for it: the replay after a refused stream. */
    void connectFresh(UpstreamPool pool) {
        this.pool = pool;
        phase = Phase.CONNECTING;
        pool.acquireFresh(this);
    }

    // === PoolWaiter ===

    /** The call ended, or moved on to another attempt: answers for this one are dropped. */
    @Override
    public boolean isAbandoned() {
        return call.isDone() || call.attempt() != this;
    }

    @Override
    public void connectionFailed(String reason) {
        if (!isAbandoned() && phase == Phase.CONNECTING) {
            call.attemptFailed(ProxyError.UPSTREAM_CONNECT, reason);
        }
    }

    @Override
    public void connectionReady(PooledConnection connection) {
        if (isAbandoned() || phase != Phase.CONNECTING) {
            return;
        }
        UpstreamHandler handler = (UpstreamHandler) connection;
        int streamId = handler.connection().local().incrementAndGetNextStreamId();
        if (streamId < 0) {
            handler.markExhausted();
            pool.acquire(this);
            return;
        }
        if (!call.stampRemainingTimeout()) {
            return; // no time left: the call failed, or retries
        }
        Throwable cause = handler.writeHeaders(streamId, call.requestHeaders(), call.headersEndStream()).cause();
        call.countAttempt();
        Http2Stream stream = handler.connection().stream(streamId);
        if (stream == null) { // the encoder refused the headers, or to create the stream (connection failing)
            if (cause instanceof Http2Exception.HeaderListSizeException) { // the same headers fail on any retry
                call.fail(ProxyError.HEADERS_TOO_LARGE.code(),
                        ProxyError.HEADERS_TOO_LARGE.message(handler.peerMaxHeaderListSize()));
                return;
            }
            call.attemptFailed(ProxyError.UPSTREAM_CONNECT, "upstream connection failed");
            return;
        }
        up = handler;
        upStream = stream;
        phase = Phase.OPEN;
        up.attach(upStream, this);
        call.opened(this);
    }

    // === request: written on this attempt's stream ===

    boolean isOpen() {
        return phase == Phase.OPEN;
    }

    boolean replaysLog() {
        return replaysLog;
    }

    /** Ownership: {@code data} (one reference) passes to the upstream encoder; {@code written} runs when it is out. */
    void writeData(ByteBuf data, boolean endStream, ChannelFutureListener written) {
        up.writeData(upStream.id(), data, endStream, written);
    }

    void writeTrailers(Http2Headers trailers) {
        up.writeHeaders(upStream.id(), trailers, true);
    }

    /** Resets the upstream stream with {@code errorCode} if it is open. */
    void reset(long errorCode) {
        if (up != null && up.isStreamOpen(upStream)) {
            up.writeReset(upStream.id(), errorCode);
        }
    }

    /** The call retries: this attempt's stream is detached (its later frames are dropped) and reset. */
    void abandon(long errorCode) {
        if (up != null) {
            up.detach(upStream);
        }
        reset(errorCode);
    }

    // === response: frames of this attempt's stream, from its UpstreamHandler ===

    void onResponseHeaders(Http2Headers headers, boolean endStream) {
        call.onResponseHeaders(this, headers, endStream);
    }

    int onResponseData(ByteBuf data, int padding, boolean endStream) {
        return call.onResponseData(this, data, padding, endStream);
    }

    /** Keeps the response HEADERS back while the call may be retried. */
    void holdHeaders(Http2Headers headers) {
        heldHeaders = headers;
    }

    /** The held response HEADERS, once; null when none are held. */
    Http2Headers takeHeldHeaders() {
        Http2Headers h = heldHeaders;
        if (h != null) { // asked on every response DATA frame: no store when nothing is held
            heldHeaders = null;
        }
        return h;
    }

    /** {@code bytes} of response DATA are written downstream with the listener returned: then credited upstream. */
    ChannelFutureListener creditWhenWritten(int bytes) {
        responseCredit.add(bytes);
        return responseWritten;
    }

    private void creditUpstream() {
        up.consume(upStream, responseCredit.poll());
    }

    /** GOAWAY said the peer never processed this stream. */
    void markRefused() {
        refused = true;
    }

    @Override
    public void onReset(long errorCode) {
        resetCode = errorCode;
    }

    /** The upstream stream closed: normal end, peer reset, refused stream, or lost connection. */
    void closed() {
        call.upstreamClosed(this);
    }

    /** The upstream refused the stream (REFUSED_STREAM, or above GOAWAY's last stream id): it never saw it. */
    boolean wasRefused() {
        return refused || resetCode == Http2Error.REFUSED_STREAM.code();
    }

    /** This attempt may be replayed once on a fresh connection after a refusal; a replay may not. */
    boolean mayReplayRefusal() {
        return !afterRefusal;
    }

    /** The peer's RST_STREAM code, or -1. */
    long resetCode() {
        return resetCode;
    }

    UpstreamPool pool() {
        return pool;
    }

    // === StreamOwner ===

    @Override
    public long keptBytes() {
        return 0; // the call's headers and replay log are charged to the connection that accepted it
    }

    @Override
    public void shed(String why) {
        call.shed(why);
    }
}
