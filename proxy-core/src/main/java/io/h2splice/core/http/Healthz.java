package io.h2splice.core.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1.0/healthz} and {@code GET /v1.0/healthz/outbound}, with Dapr's codes and messages
 * ({@code pkg/api/http/healthz.go}): 204 when ready; 500 with a Dapr error body otherwise. On healthz, readiness is
 * checked first, then the optional {@code ?appid=} (used by Consul's health check): present and different from our
 * app id, even when empty, gives {@code ERR_HEALTH_APPID_NOT_MATCH}.
 */
final class Healthz {

    private Healthz() {
    }

    static FullHttpResponse healthz(ByteBufAllocator alloc, SidecarStatus status, Map<String, List<String>> query) {
        if (!status.isReady()) {
            String reason = status.notReadyReason();
            return Responses.error(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR, "ERR_HEALTH_NOT_READY",
                    "dapr is not ready: [" + (reason == null ? "" : reason) + "]");
        }
        List<String> appIds = query.get("appid");
        if (appIds != null && !appIds.isEmpty() && !appIds.get(0).equals(status.appId())) {
            return Responses.error(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR, "ERR_HEALTH_APPID_NOT_MATCH",
                    "dapr app-id does not match");
        }
        return Responses.empty(HttpResponseStatus.NO_CONTENT);
    }

    static FullHttpResponse outbound(ByteBufAllocator alloc, SidecarStatus status) {
        if (!status.isOutboundReady()) {
            return Responses.error(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR, "ERR_HEALTH_OUTBOUND_NOT_READY",
                    "dapr outbound is not ready");
        }
        return Responses.empty(HttpResponseStatus.NO_CONTENT);
    }
}
