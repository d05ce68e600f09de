package io.h2splice.bench.soak;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.EventLoop;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One call of a {@link CallPlan}: starts it with the plan's deadline, cancels it when the plan says, checks every
 * answer's bytes, and counts how it ended in {@link Outcomes}. Subclasses send and read for their method. Everything
 * runs on the load generator's event loop (the channels use {@code directExecutor()}), so there is no lock.
 */
abstract class SoakCall<ReqT> extends ClientCall.Listener<byte[]> {

    /** What every call shares: the loop, the metadata ({@code dapr-app-id}), the counts, and who to tell at the end. */
    record Context(EventLoop loop, Metadata headers, Outcomes outcomes, Consumer<SoakCall<?>> onEnd) {
        Context {
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(outcomes, "outcomes");
            Objects.requireNonNull(onEnd, "onEnd");
        }
    }

    final CallPlan plan;
    final Context ctx;
    ClientCall<ReqT, byte[]> call;
    int received;
    private long startNanos;
    private boolean cancelled;
    private boolean ended;
    private String problem;

    SoakCall(CallPlan plan, Context ctx) {
        this.plan = plan;
        this.ctx = ctx;
    }

    /** The call for {@code plan}. */
    static SoakCall<?> of(CallPlan plan, Context ctx) {
        return switch (plan.kind()) {
            case UNARY -> new UnaryCall(plan, ctx);
            case SERVER_STREAM -> new ServerStreamCall(plan, ctx);
            case BIDI -> new BidiCall(plan, ctx);
        };
    }

    abstract MethodDescriptor<ReqT, byte[]> method();

    /** Requests answers and sends, right after the start. */
    abstract void begin();

    final void start(Channel channel) {
        assert ctx.loop().inEventLoop();
        startNanos = System.nanoTime();  // before the deadline is set, so the deadline is never earlier than this
        CallOptions options = plan.deadlineMillis() > 0
                ? CallOptions.DEFAULT.withDeadlineAfter(plan.deadlineMillis(), TimeUnit.MILLISECONDS)
                : CallOptions.DEFAULT;
        call = channel.newCall(method(), options);
        Metadata md = new Metadata();
        md.merge(ctx.headers());
        ctx.outcomes().started();
        call.start(this, md);
        if (plan.fate() == CallPlan.Fate.CANCEL_EARLY) {
            ctx.loop().schedule(() -> cancel("soak: cancelled early"), plan.cancelDelayMicros(),
                    TimeUnit.MICROSECONDS);
        }
        begin();
    }

    final boolean ended() {
        return ended;
    }

    /** Cancels the call unless it already ended. */
    final void cancel(String why) {
        if (!ended) {
            cancelled = true;
            call.cancel(why, null);
        }
    }

    /** Notes an answer whose bytes are not the slice at {@code offset} (the first such only). */
    final void check(byte[] answer, int offset) {
        if (problem == null && !Payloads.matches(answer, offset, plan.size())) {
            problem = "answer " + (received + 1) + " has wrong bytes (" + answer.length + " B)";
        }
    }

    @Override
    public final void onClose(Status status, Metadata trailers) {
        ended = true;
        boolean afterDeadline = plan.deadlineMillis() > 0
                && System.nanoTime() - startNanos >= TimeUnit.MILLISECONDS.toNanos(plan.deadlineMillis());
        String p = problem;
        if (p == null && status.isOk() && received != plan.messages()) {
            p = received + " answers of " + plan.messages();
        }
        ctx.outcomes().ended(plan, status, p, cancelled, afterDeadline);
        ctx.onEnd().accept(this);
    }
}
