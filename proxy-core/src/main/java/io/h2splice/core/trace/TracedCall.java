package io.h2splice.core.trace;

/** The span of one sampled call; ended exactly once, on the call's event loop, when the call is over. */
public interface TracedCall {

    /**
     * @param grpcStatus  the call's final gRPC status code
     * @param grpcMessage the final {@code grpc-message}, or null when there was none
     */
    void end(int grpcStatus, CharSequence grpcMessage);
}
