package io.h2splice.core.status;

/** gRPC status codes used by the proxy (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
public final class GrpcStatus {
    public static final int OK = 0;
    public static final int CANCELLED = 1;
    public static final int UNKNOWN = 2;
    public static final int INVALID_ARGUMENT = 3;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private GrpcStatus() {
    }

    /** The gRPC status a client library reports for an RST_STREAM with this HTTP/2 error code. */
    public static int fromHttp2Error(long errorCode) {
        switch ((int) errorCode) {
            case 0x7: // REFUSED_STREAM
                return UNAVAILABLE;
            case 0x8: // CANCEL
                return CANCELLED;
            case 0xb: // ENHANCE_YOUR_CALM
                return RESOURCE_EXHAUSTED;
            case 0xc: // INADEQUATE_SECURITY
                return PERMISSION_DENIED;
            default:
                return INTERNAL;
        }
    }
}
