package io.h2splice.core.routing;

import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.status.ProxyError;

/**
 * Where one call goes: to this sidecar's own app, to another app's sidecar, or nowhere (a proxy-made error).
 * One per call, made by a {@link Router} from the request HEADERS.
 */
public final class Route {

    public enum Kind { LOCAL_APP, REMOTE, ERROR }

    private final Kind kind;
    private final String appId;
    private final String namespace;
    private final int grpcStatus;
    private final String message;
    private final boolean fromPeer;
    private final CallPolicy policy;

    private Route(Kind kind, String appId, String namespace, int grpcStatus, String message, boolean fromPeer) {
        this(kind, appId, namespace, grpcStatus, message, fromPeer, CallPolicy.NONE);
    }

    private Route(Kind kind, String appId, String namespace, int grpcStatus, String message, boolean fromPeer,
                  CallPolicy policy) {
        this.kind = kind;
        this.appId = appId;
        this.namespace = namespace;
        this.grpcStatus = grpcStatus;
        this.message = message;
        this.fromPeer = fromPeer;
        this.policy = policy;
    }

    /** A call from the local app (API listener) for its own app id and namespace. */
    public static Route localApp(String appId, String namespace) {
        return new Route(Kind.LOCAL_APP, appId, namespace, 0, null, false);
    }

    /** A call another sidecar sent to the internal listener, for this sidecar's app: {@link Kind#LOCAL_APP} too. */
    public static Route fromPeer(String appId, String namespace) {
        return new Route(Kind.LOCAL_APP, appId, namespace, 0, null, true);
    }

    public static Route remote(String appId, String namespace) {
        return new Route(Kind.REMOTE, appId, namespace, 0, null, false);
    }

    /** A call to another app's sidecar under the resiliency {@code policy} of its target. */
    public static Route remote(String appId, String namespace, CallPolicy policy) {
        return new Route(Kind.REMOTE, appId, namespace, 0, null, false, policy);
    }

    public static Route error(ProxyError error, Object... args) {
        return new Route(Kind.ERROR, null, null, error.code(), error.message(args), false);
    }

    public Kind kind() {
        return kind;
    }

    public String appId() {
        return appId;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * True for a call that came in on the internal listener (from another sidecar); false for one from the local
     * app on the API listener. Dapr logs API calls ({@code --enable-api-logging}) for the latter only.
     */
    public boolean fromPeer() {
        return fromPeer;
    }

    /** The resiliency policy of the call's target; {@link CallPolicy#NONE} for local and error routes. */
    public CallPolicy policy() {
        return policy;
    }

    /** For {@link Kind#ERROR}: the gRPC status to answer with. */
    public int grpcStatus() {
        return grpcStatus;
    }

    /** For {@link Kind#ERROR}: the grpc-message. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return kind == Kind.ERROR ? "error(" + grpcStatus + ", " + message + ")" : kind + "(" + appId + "." + namespace + ")";
    }
}
