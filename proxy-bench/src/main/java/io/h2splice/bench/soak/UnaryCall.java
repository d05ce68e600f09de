package io.h2splice.bench.soak;

import io.grpc.MethodDescriptor;
import io.h2splice.bench.Echo;

/** A unary echo: one message of the plan's size, one answer with the same bytes. */
final class UnaryCall extends SoakCall<byte[]> {

    UnaryCall(CallPlan plan, Context ctx) {
        super(plan, ctx);
    }

    @Override
    MethodDescriptor<byte[], byte[]> method() {
        return Echo.UNARY;
    }

    @Override
    void begin() {
        call.request(1);
        call.sendMessage(Payloads.slice(plan.offset(), plan.size()));
        call.halfClose();
    }

    @Override
    public void onMessage(byte[] message) {
        check(message, plan.offset());
        received++;
    }
}
