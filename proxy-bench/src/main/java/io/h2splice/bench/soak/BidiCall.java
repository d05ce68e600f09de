package io.h2splice.bench.soak;

import io.grpc.MethodDescriptor;
import io.h2splice.bench.Echo;

/**
 * A bidi echo stream, ping-pong: message n is sent when the echo of message n − 1 arrived, each a different slice;
 * after {@code messages} echoes the client half-closes, except under {@link CallPlan.Fate#DEADLINE}, where it holds
 * the stream open until the deadline ends it. Cancelled mid-stream when {@code cancelAfter} echoes arrived.
 */
final class BidiCall extends SoakCall<byte[]> {

    BidiCall(CallPlan plan, Context ctx) {
        super(plan, ctx);
    }

    @Override
    MethodDescriptor<byte[], byte[]> method() {
        return Echo.STREAM;
    }

    @Override
    void begin() {
        call.request(1);
        call.sendMessage(Payloads.slice(plan.offset(), plan.size()));
    }

    @Override
    public void onMessage(byte[] message) {
        check(message, plan.offset() + received);
        received++;
        if (plan.fate() == CallPlan.Fate.CANCEL_MID && received == plan.cancelAfter()) {
            cancel("soak: cancelled mid-stream");
        } else if (received < plan.messages()) {
            call.request(1);
            call.sendMessage(Payloads.slice(plan.offset() + received, plan.size()));
        } else if (plan.fate() != CallPlan.Fate.DEADLINE) {
            call.halfClose();
        }
    }
}
