package io.h2splice.core.client;

/**
 * The end of one unary gRPC call: its status (from the trailers, or a trailers-only response), the decoded
 * {@code grpc-message}, and the response message without its 5-byte gRPC prefix (empty when there was none).
 *
 * @param status  the grpc-status (2 UNKNOWN when the trailers had none or an unreadable one)
 * @param message the percent-decoded grpc-message, or null
 * @param body    the response message
 */
public record UnaryReply(int status, String message, byte[] body) {

    /** grpc-status 0. */
    public boolean ok() {
        return status == 0;
    }
}
