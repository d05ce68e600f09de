package io.h2splice.core.splice;

import io.h2splice.core.headers.GrpcTimeout;
import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.headers.HopHeaders;
import io.h2splice.core.headers.Truthy;
import io.h2splice.core.metrics.CallSeries;
import io.h2splice.core.metrics.LoopMetrics;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.pool.UpstreamPool;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.routing.Route;
import io.h2splice.core.status.GrpcStatus;
import io.h2splice.core.status.ProxyError;
import io.h2splice.core.status.TrailersOnly;
import io.h2splice.core.trace.TracedCall;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * One call, as the client made it: its stream on the connection that accepted it, the request kept for replay, the
 * policy run, deadline, metrics, trace and API log, and the end of the call in one place ({@link #downstreamClosed}).
 * Frames are forwarded as they come; DATA buffers are handed on retained, never copied; the sender's window is
 * credited only once the other side has written the bytes, so memory per call is bounded by the HTTP/2 windows.
 *
 * <p>Lifecycle: created on the request HEADERS → an {@link Attempt} resolves the target, acquires a pooled upstream
 * connection and opens a stream, and the pending request frames are sent on it → frames flow both ways → the call
 * ends when the downstream stream closes. A stream the upstream refused (REFUSED_STREAM, or above GOAWAY's last stream
 * id) before any response is replayed once, by a new attempt on a fresh connection.
 *
 * <p>Under a resiliency policy ({@link PolicyRun}, remote calls only) a call may take several attempts: each asks the
 * method's breaker, arms the timeout, resolves and opens a stream; an attempt that ends with a status the retry
 * policy matches, before any response DATA reached the client (response HEADERS are held back meanwhile), is dropped
 * and the request replayed from the {@link RequestLog} by a new attempt after the back-off. Between attempts
 * {@link #attempt} is null.
 *
 * <p>Threading: confined to one event loop, the loop of both connections. Not thread-safe, and needs not be.
 */
final class Call implements StreamOwner, ChannelFutureListener {

    private final DownstreamHandler down;
    private final Http2Stream downStream;
    private final Http2Headers requestHeaders;
    private final boolean headersEndStream;
    private final Route route;
    private final long deadlineNanos;
    private final long startNanos;
    private final RequestLog log;
    /** The decoded size of the request headers this call keeps (for retries), charged to its connection's budget. */
    private final long headerBytes;
    /** Bytes of request DATA written upstream, in order, to credit the client with when each write completes. */
    private final IntFifo requestCredit = new IntFifo();
    /** Per-direction --max-body-size checks; null when there is no limit. */
    private final MessageSizeGuard requestSize;
    private final MessageSizeGuard responseSize;

    /** The current try; null before the first and while backing off between two. */
    private Attempt attempt;
    private int attempts;
    private Http2Headers sentTrailers;
    private boolean requestEnded;
    private boolean requestEndSent;
    private boolean responseStarted;
    private boolean responseEnded;
    /** The write of the response's END_STREAM (the app's trailers), once it was handed to the codec. */
    private ChannelFuture responseEnd;
    /** Non-null only when the target has a resiliency policy. */
    private PolicyRun policy;
    private boolean done;
    private long downResetCode = -1;
    private int status = -1;
    /** The call's label sets: the other app (target or caller; null when none) and the method (API port only). */
    private CallSeries peerSeries;
    private CallSeries methodSeries;
    private boolean streaming;
    /** The request HEADERS reached an upstream at least once. */
    private boolean sent;
    /** The call's span; null when it is not sampled (the common case: nothing else is kept). */
    private TracedCall trace;
    /** The final grpc-message, kept only for a traced call. */
    private CharSequence statusMessage;

    /** @param headerBytes the decoded size of {@code requestHeaders}, charged until the call ends */
    Call(DownstreamHandler down, Http2Stream downStream, Http2Headers requestHeaders, long headerBytes,
         boolean endStream, Route route) {
        this.down = down;
        this.log = new RequestLog(down.memory);
        this.headerBytes = headerBytes;
        down.memory.charge(headerBytes);
        this.downStream = downStream;
        this.requestHeaders = requestHeaders;
        this.headersEndStream = endStream;
        this.requestEnded = endStream;
        this.route = route;
        this.startNanos = System.nanoTime();
        long timeout = GrpcTimeout.parseNanos(requestHeaders.get(HeaderNames.GRPC_TIMEOUT));
        this.deadlineNanos = timeout == GrpcTimeout.NONE ? GrpcTimeout.NONE : startNanos + timeout;
        this.streaming = route.kind() == Route.Kind.REMOTE
                && Truthy.test(requestHeaders.get(HeaderNames.DAPR_STREAM));
        long maxBody = down.loop.config().limits().maxBodySize();
        this.requestSize = maxBody > 0 ? new MessageSizeGuard(maxBody) : null;
        this.responseSize = maxBody > 0 ? new MessageSizeGuard(maxBody) : null;
    }

    // === what an attempt reads of its call ===

    LoopState loop() {
        return down.loop;
    }

    Route route() {
        return route;
    }

    Http2Headers requestHeaders() {
        return requestHeaders;
    }

    boolean headersEndStream() {
        return headersEndStream;
    }

    boolean isDone() {
        return done;
    }

    /** The current attempt, or null between two. */
    Attempt attempt() {
        return attempt;
    }

    // === start: the first attempt ===

    void start() {
        down.loop.metrics().streamOpened();
        trace = down.loop.tracer().start(requestHeaders, route.kind() == Route.Kind.LOCAL_APP);
        findSeries();
        if (route.kind() == Route.Kind.LOCAL_APP) {
            UpstreamPool app = down.loop.appPool();
            if (app == null) {
                fail(ProxyError.NO_APP.code(), ProxyError.NO_APP.message(route.appId()));
                return;
            }
            newAttempt(false).connect(app);
            return;
        }
        CallPolicy p = route.policy();
        if (!p.isNone()) {
            policy = new PolicyRun(p, this, down.loop.eventLoop(), streaming, startNanos);
            log.keepAtLeast(policy.retryBuffer());
        }
        startAttempt();
    }

    /** One attempt at the target: the breaker and the timeout first, then the resolver and the pool. */
    private void startAttempt() {
        if (policy != null) {
            ProxyError refusal = policy.beginAttempt(requestHeaders.path(), deadlineNanos);
            if (refusal != null) {
                fail(refusal.code(), refusal.message());
                return;
            }
        }
        newAttempt(false).resolve();
    }

    /** Makes the next attempt current; every attempt after the first replays what the request log kept. */
    private Attempt newAttempt(boolean afterRefusal) {
        attempt = new Attempt(this, attempts++ > 0, afterRefusal);
        return attempt;
    }

    /** One cached lookup per label set; a call from another sidecar counts as received at once. */
    private void findSeries() {
        LoopMetrics m = down.loop.callMetrics();
        if (!m.enabled()) {
            return;
        }
        boolean api = down.side == ProxyMetrics.Side.API;
        if (api) {
            methodSeries = m.method(requestHeaders.path());
        }
        if (route.kind() == Route.Kind.REMOTE) {
            peerSeries = m.target(route.appId(), route.namespace(), streaming);
        } else if (!api) {
            peerSeries = m.caller(requestHeaders.get(HeaderNames.DAPR_CALLER_APP_ID));
            m.started(peerSeries);
        }
    }

    /**
     * Just before an attempt sends the request HEADERS: sets {@code grpc-timeout} to the time left (the attempt's
     * timeout under a policy, else the client's deadline).
     *
     * @return false when no time is left: the call then failed with DEADLINE_EXCEEDED, or retries under its policy
     */
    boolean stampRemainingTimeout() {
        long deadline = policy == null ? deadlineNanos : policy.upstreamDeadline(deadlineNanos);
        if (deadline == GrpcTimeout.NONE) {
            return true;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            if (policy != null) {
                attemptTimedOut(); // the attempt's time ran out while connecting: retried if the policy says so
            } else {
                fail(ProxyError.DEADLINE.code(), ProxyError.DEADLINE.message());
            }
            return false;
        }
        HopHeaders.remainingTimeout(requestHeaders, remaining);
        return true;
    }

    /** Dapr counts each attempt as a request sent; the added latency is the first attempt's. */
    void countAttempt() {
        LoopMetrics m = down.loop.callMetrics();
        boolean first = !sent;
        sent = true;
        if (route.kind() == Route.Kind.REMOTE && peerSeries != null) {
            m.started(peerSeries);
        }
        if (first && m.enabled()) {
            m.added(down.side == ProxyMetrics.Side.API, System.nanoTime() - startNanos);
        }
    }

    /** {@code a} opened its stream: the request so far goes on it. */
    void opened(Attempt a) {
        if (a.replaysLog()) {
            replay(a);
        }
        sendPending();
        if (policy != null) {
            policy.opened();
        }
    }

    private void replay(Attempt a) {
        int n = log.replayCount();
        for (int i = 0; i < n; i++) {
            boolean last = i == n - 1 && requestEndSent && sentTrailers == null;
            requestCredit.add(0); // its bytes were credited when first written
            a.writeData(log.replayFrame(i), last, this); // new reference: encoder releases
        }
        if (sentTrailers != null) {
            a.writeTrailers(sentTrailers);
        }
    }

    private void sendPending() {
        int n = log.pendingCount();
        for (int i = 0; i < n; i++) {
            boolean last = i == n - 1 && requestEnded && !log.hasPendingTrailersOnly();
            forwardRequestData(log.takePending(i), log.pendingFlowControlBytes(), last);
        }
        log.clearPending();
        Http2Headers trailers = log.takePendingTrailers();
        if (trailers != null) {
            sendRequestTrailers(trailers);
        }
    }

    // === request: downstream → upstream ===

    /** @return bytes to credit at once (only when the frame is dropped); 0 when credit waits for the write. */
    int onRequestData(ByteBuf data, int padding, boolean endStream) {
        int credit = data.readableBytes() + padding;
        if (done || requestEnded || isEmptyMidStream(data, endStream)) {
            return credit;
        }
        if (requestSize != null && tooLarge(requestSize, data)) {
            return credit;
        }
        requestEnded = endStream;
        down.loop.metrics().requestBytes(data.readableBytes());
        if (attempt == null || !attempt.isOpen()) {
            log.addPending(data.retain(), credit); // retained: owned by the log until sent or released
            return 0;
        }
        forwardRequestData(data.retain(), credit, endStream); // retained: the upstream encoder releases it
        return 0;
    }

    /** Ownership: {@code data} (one reference) passes to the upstream encoder. */
    private void forwardRequestData(ByteBuf data, int credit, boolean endStream) {
        log.keepForReplay(data);
        requestCredit.add(credit);
        requestEndSent |= endStream;
        attempt.writeData(data, endStream, this); // operationComplete credits the client
    }

    void onRequestTrailers(Http2Headers trailers) {
        if (done || requestEnded) {
            return;
        }
        requestEnded = true;
        if (attempt == null || !attempt.isOpen()) {
            log.addPendingTrailers(trailers);
        } else {
            sendRequestTrailers(trailers);
        }
    }

    private void sendRequestTrailers(Http2Headers trailers) {
        sentTrailers = trailers;
        requestEndSent = true;
        attempt.writeTrailers(trailers);
    }

    @Override
    public void onReset(long errorCode) {
        downResetCode = errorCode;
    }

    /** The client reset this call within {@code lifetimeNanos} of its start (for {@link PrematureResets}). */
    boolean resetByClientWithin(long nowNanos, long lifetimeNanos) {
        return downResetCode >= 0 && nowNanos - startNanos < lifetimeNanos;
    }

    /**
     * An empty DATA frame without END_STREAM carries nothing: it is credited and dropped, not forwarded, so frames
     * that one peer may send a few of never add up on a shared connection to a flood the next hop refuses.
     */
    private static boolean isEmptyMidStream(ByteBuf data, boolean endStream) {
        return !endStream && !data.isReadable();
    }

    /** The downstream stream closed, normally or not: the call is over. */
    void downstreamClosed() {
        if (done) {
            return;
        }
        done = true;
        if (attempt != null) {
            attempt.reset(downResetCode >= 0 ? downResetCode : Http2Error.CANCEL.code());
        }
        if (policy != null) {
            policy.finish(status >= 0 ? status : GrpcStatus.CANCELLED); // a call the client gave up is a failure
        }
        log.releaseAll();
        down.memory.charge(-headerBytes);
        int finalStatus = status >= 0 ? status
                : downResetCode >= 0 ? GrpcStatus.CANCELLED : GrpcStatus.UNKNOWN;
        boolean remote = route.kind() == Route.Kind.REMOTE;
        // a call never sent to the target got no response from it: its series does not take it
        CallEnd.record(down.loop, requestHeaders, route, finalStatus, System.nanoTime() - startNanos,
                remote && !sent ? null : peerSeries, remote && !streaming, methodSeries, trace, statusMessage, true);
    }

    // === response: upstream → downstream, from the current attempt ===

    void onResponseHeaders(Attempt a, Http2Headers headers, boolean endStream) {
        if (done) {
            return;
        }
        if (!endStream) {
            if (!responseStarted && policy != null && policy.mayRetry(log)) {
                a.holdHeaders(headers); // written with the first DATA, or dropped with the attempt if it is retried
                return;
            }
            startResponse();
            down.writeHeaders(downStream.id(), headers, false);
            return;
        }
        int code = grpcStatus(headers);
        if (retriedAfter(code)) {
            return;
        }
        responseEnded = true;
        status = code;
        if (trace != null) {
            statusMessage = headers.get(HeaderNames.GRPC_MESSAGE);
        }
        writeHeldHeaders(a);
        startResponse();
        responseEnd = down.writeHeaders(downStream.id(), headers, true);
    }

    /** Writes the response HEADERS {@code a} held back for a possible retry, now that the response goes out. */
    private void writeHeldHeaders(Attempt a) {
        Http2Headers h = a.takeHeldHeaders();
        if (h != null) {
            startResponse();
            down.writeHeaders(downStream.id(), h, false);
        }
    }

    /** Ownership: {@code data} is the codec's, released after this returns; what is handed on is retained. */
    int onResponseData(Attempt a, ByteBuf data, int padding, boolean endStream) {
        int credit = data.readableBytes() + padding;
        if (done || responseEnded || isEmptyMidStream(data, endStream)) {
            return credit;
        }
        if (responseSize != null && tooLarge(responseSize, data)) {
            return credit;
        }
        writeHeldHeaders(a);
        startResponse();
        responseEnded = endStream;
        down.loop.metrics().responseBytes(data.readableBytes());
        // retained: the downstream encoder releases it; the attempt credits its upstream once it is written
        down.writeData(downStream.id(), data.retain(), endStream, a.creditWhenWritten(credit));
        return 0;
    }

    private void startResponse() {
        if (!responseStarted) {
            responseStarted = true;
            log.stopReplay(); // a call whose response began is never replayed
        }
    }

    /** {@code a}'s upstream stream closed: normal end, peer reset, refused stream, or lost connection. */
    void upstreamClosed(Attempt a) {
        if (done) {
            return;
        }
        if (responseEnded) {
            if (!requestEnded && responseEnd != null) {
                resetClientAfter(responseEnd, Http2Error.NO_ERROR); // the app is done: stop the client sending
            }
            return;
        }
        if (a.wasRefused() && !responseStarted && a.mayReplayRefusal() && log.isReplayable()) {
            newAttempt(true).connectFresh(a.pool()); // not a policy retry: the upstream never saw the stream
            return;
        }
        long resetCode = a.resetCode();
        if (resetCode >= 0) {
            boolean timedOut = resetCode == Http2Error.CANCEL.code() && deadlinePassed();
            int code = timedOut ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.fromHttp2Error(resetCode);
            if (retriedAfter(code)) {
                return;
            }
            if (timedOut) {
                // the upstream gave up at the deadline it was given (grpc-go and grpc-java servers reset with CANCEL):
                // the client is told DEADLINE_EXCEEDED in trailers, as Dapr does, not a reset that a client library
                // whose own timer runs late (grpc-js on a busy loop) reports as CANCELLED
                fail(ProxyError.DEADLINE.code(), ProxyError.DEADLINE.message(), Http2Error.CANCEL);
                return;
            }
            if (down.isStreamOpen(downStream)) {
                status = code;
                down.writeReset(downStream.id(), resetCode); // mirror the peer's reset, with its code
            }
            return;
        }
        attemptFailed(ProxyError.UPSTREAM_LOST, describeUpstream());
    }

    /** The client's deadline (its {@code grpc-timeout}, from when this sidecar got the call) has passed. */
    private boolean deadlinePassed() {
        return deadlineNanos != GrpcTimeout.NONE && System.nanoTime() - deadlineNanos >= 0;
    }

    // === resiliency: attempts, retries, timeouts ===

    /**
     * The attempt ended with {@code grpcStatus}: under a policy it is reported to the breaker, and retried (the
     * attempt dropped) when nothing of the response reached the client and the policy says so.
     *
     * @return true when a retry was scheduled: the caller stops there
     */
    private boolean retriedAfter(int grpcStatus) {
        if (policy == null) {
            return false;
        }
        if (!responseStarted && policy.retryAfter(grpcStatus, log, deadlineNanos, route)) {
            dropAttempt();
            return true;
        }
        policy.endAttempt(grpcStatus);
        return false;
    }

    /** The attempt failed with a proxy-made error: retried when the policy says so, else the call fails with it. */
    void attemptFailed(ProxyError error, Object... args) {
        if (!retriedAfter(error.code())) {
            fail(error.code(), error.message(args));
        }
    }

    /**
     * A retry was scheduled: the attempt's stream (if any) is detached and reset, so nothing of it reaches the call
     * any more; what it took of the request stays in the log for the next attempt's replay.
     */
    private void dropAttempt() {
        if (attempt != null) {
            attempt.abandon(Http2Error.CANCEL.code());
            attempt = null;
        }
    }

    /** The back-off after a failed attempt has passed (run by {@link PolicyRun} on this loop). */
    void retryNow() {
        if (!done) {
            startAttempt();
        }
    }

    /** The attempt's timeout fired (run by {@link PolicyRun} on this loop): retried, or DEADLINE_EXCEEDED. */
    void attemptTimedOut() {
        if (done || responseEnded) {
            return;
        }
        if (!retriedAfter(GrpcStatus.DEADLINE_EXCEEDED)) { // a retry resets the attempt's stream with CANCEL too
            fail(ProxyError.DEADLINE.code(), ProxyError.DEADLINE.message(), Http2Error.CANCEL);
        }
    }

    // === proxy-made errors ===

    /** Ends the call with a gRPC status made by the proxy: trailers-only, or trailers after a started response. */
    void fail(int grpcStatus, String message) {
        fail(grpcStatus, message, Http2Error.NO_ERROR);
    }

    /** As above; {@code clientReset} ends the client's request side if it is still open (after the trailers). */
    private void fail(int grpcStatus, String message, Http2Error clientReset) {
        if (done || responseEnded || !down.isStreamOpen(downStream)) {
            return;
        }
        Http2Headers h = responseStarted ? TrailersOnly.trailers(grpcStatus, message)
                : TrailersOnly.response(grpcStatus, message);
        endedByProxy(grpcStatus, message);
        ChannelFuture trailers = down.writeHeaders(downStream.id(), h, true);
        if (!requestEnded) {
            resetClientAfter(trailers, clientReset);
        }
        resetUpstream();
    }

    /**
     * Ends the client's request side with RST_STREAM {@code code} once {@code trailers} (END_STREAM) is written. Not
     * before: the reset is not flow-controlled, so written at once it would overtake response DATA and trailers still
     * queued in the flow controller, which the stream's close then drops (grpc-core clients reported INTERNAL
     * "Received RST_STREAM with error code 0" with no message). Runs on this call's loop, rarely: only when the
     * response ends before the request does.
     */
    private void resetClientAfter(ChannelFuture trailers, Http2Error code) {
        if (trailers.isDone()) {
            resetClientIfHalfClosed(code);
        } else {
            trailers.addListener(f -> resetClientIfHalfClosed(code));
        }
    }

    private void resetClientIfHalfClosed(Http2Error code) {
        if (downStream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) { // our side ended, the client's has not
            down.writeReset(downStream.id(), code.code());
        }
    }

    /**
     * This call holds the most of the connection that holds the most of a full memory budget
     * ({@link SpliceHandler#shedForMemory}): it ends RESOURCE_EXHAUSTED, reset both ways
     * (RST_STREAM ENHANCE_YOUR_CALM to the client, which gRPC reports as RESOURCE_EXHAUSTED, CANCEL upstream), so the
     * frames queued for it on either side are released now.
     *
     * @param why the status message, for traces and the API log
     */
    @Override
    public void shed(String why) {
        if (done) {
            return;
        }
        endedByProxy(GrpcStatus.RESOURCE_EXHAUSTED, why);
        if (down.isStreamOpen(downStream)) { // first: the client's reset must carry this code, not a later NO_ERROR
            down.writeReset(downStream.id(), Http2Error.ENHANCE_YOUR_CALM.code());
        }
        resetUpstream();
    }

    /** Its headers and the DATA kept to replay, charged to the connection that accepted the call. */
    @Override
    public long keptBytes() {
        return headerBytes + log.keptBytes();
    }

    /** The proxy ends the call with {@code grpcStatus}: what it says replaces any response held back or to come. */
    private void endedByProxy(int grpcStatus, String message) {
        if (policy != null) {
            policy.finish(grpcStatus);
        }
        status = grpcStatus;
        statusMessage = message;
        responseStarted = true;
        responseEnded = true;
        if (attempt != null) {
            attempt.takeHeldHeaders(); // dropped: never written after what the proxy said
        }
        log.releaseAll();
    }

    private void resetUpstream() {
        if (attempt != null) {
            attempt.reset(Http2Error.CANCEL.code());
        }
    }

    /** Fails the call with RESOURCE_EXHAUSTED when {@code data} carries a message over the limit. */
    private boolean tooLarge(MessageSizeGuard guard, ByteBuf data) {
        long size = guard.check(data);
        if (size == MessageSizeGuard.OK) {
            return false;
        }
        fail(ProxyError.MESSAGE_TOO_LARGE.code(), ProxyError.MESSAGE_TOO_LARGE.message(size, guard.max()));
        return true;
    }

    // === flow-control credit ===

    /** A request DATA frame was written upstream (or failed): return its bytes to the client's window. */
    @Override
    public void operationComplete(io.netty.channel.ChannelFuture future) {
        down.consume(downStream, requestCredit.poll());
    }

    private String describeUpstream() {
        return route.kind() == Route.Kind.LOCAL_APP ? "app " + route.appId()
                : "sidecar of " + route.appId() + "." + route.namespace();
    }

    private static int grpcStatus(Http2Headers headers) {
        CharSequence v = headers.get(HeaderNames.GRPC_STATUS);
        if (v == null || v.length() == 0 || v.length() > 2) {
            return GrpcStatus.UNKNOWN;
        }
        int code = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return GrpcStatus.UNKNOWN;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }
}
