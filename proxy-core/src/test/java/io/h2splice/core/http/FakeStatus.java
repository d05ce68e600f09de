package io.h2splice.core.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SidecarStatus} for tests: fixed ports, readiness and token switchable. */
final class FakeStatus implements SidecarStatus {

    volatile boolean ready = true;
    volatile boolean outboundReady = true;
    volatile String notReadyReason = "app port 50051 not reachable";
    volatile String apiToken = "";
    final Map<String, String> extended = new ConcurrentHashMap<>();

    @Override public boolean isReady() { return ready; }
    @Override public String notReadyReason() { return notReadyReason; }
    @Override public String appId() { return "server"; }
    @Override public String namespace() { return "default"; }
    @Override public int apiPort() { return 50001; }
    @Override public int internalPort() { return 50002; }
    @Override public int httpPort() { return 3500; }
    @Override public int metricsPort() { return 9090; }
    @Override public int appPort() { return 50051; }
    @Override public String appProtocol() { return "grpc"; }
    @Override public String transport() { return "epoll"; }
    @Override public Map<String, String> extended() { return extended; }
    @Override public boolean isOutboundReady() { return outboundReady; }
    @Override public String apiToken() { return apiToken; }
}
