package io.h2splice.bench.soak;

import io.grpc.MethodDescriptor;
import io.h2splice.bench.Echo;
import io.h2splice.bench.RepeatRequest;

import java.util.concurrent.TimeUnit;

/**
 * A server stream ({@link Echo#REPEAT}): one request, {@code messages} answers, sent as fast as the client reads or
 * paced by the app ({@code serverIntervalMillis}). Read all at once, or, for a slow reader, one at a time with
 * {@code readIntervalMillis} between them, so the answers wait in the hops' flow-control windows. Cancelled mid-stream
 * when {@code cancelAfter} answers arrived.
 */
final class ServerStreamCall extends SoakCall<RepeatRequest> {

    ServerStreamCall(CallPlan plan, Context ctx) {
        super(plan, ctx);
    }

    @Override
    MethodDescriptor<RepeatRequest, byte[]> method() {
        return Echo.REPEAT;
    }

    @Override
    void begin() {
        call.request(plan.readIntervalMillis() > 0 ? 1 : plan.messages());
        call.sendMessage(new RepeatRequest(Payloads.slice(plan.offset(), plan.size()), plan.messages(),
                plan.serverIntervalMillis()));
        call.halfClose();
    }

    @Override
    public void onMessage(byte[] message) {
        check(message, plan.offset());
        received++;
        if (plan.fate() == CallPlan.Fate.CANCEL_MID && received == plan.cancelAfter()) {
            cancel("soak: cancelled mid-stream");
        } else if (plan.readIntervalMillis() > 0 && received < plan.messages()) {
            ctx.loop().schedule(() -> {
                if (!ended()) {
                    call.request(1);
                }
            }, plan.readIntervalMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
