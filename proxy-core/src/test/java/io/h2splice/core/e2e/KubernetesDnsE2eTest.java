package io.h2splice.core.e2e;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.resolve.KubernetesDnsResolver;
import io.h2splice.core.resolve.KubernetesNaming;
import io.h2splice.core.resolve.StaticResolver;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.runtime.ProxyStartException;
import io.h2splice.core.testing.Await;
import io.h2splice.core.testing.Bounded;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestDnsServer;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubernetes mode end to end: a grpc-java client → caller sidecar (its resolver {@link KubernetesDnsResolver},
 * asking an in-process {@link TestDnsServer}) → three callee sidecars of app {@code server} in namespace
 * {@code production}, the "pods" of the headless Service {@code server-dapr.production.svc.cluster.local}.
 *
 * <p>DNS carries no port and every pod uses the same internal port, so each callee binds its own loopback address
 * (127.0.0.2, .3, .4; Linux routes all of 127/8 to lo) at one shared port, and the A records are those addresses.
 * Each callee's app answers with {@code x-served-by: pod-2|pod-3|pod-4}. Records have a 1 s TTL, so the caller
 * refreshes about every 0.75 s. Waits are bounded polls: no assertion depends on how long anything took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KubernetesDnsE2eTest {

    private static final String NAME = "server-dapr.production.svc.cluster.local";
    private static final String[] PODS = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private TestDnsServer dns;
    private final List<TestApp> apps = new ArrayList<>();
    private final List<Proxy> callees = new ArrayList<>();
    private int internalPort;
    private KubernetesDnsResolver resolver;
    private Proxy caller;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start().ttl(1);
        for (String pod : PODS) {
            apps.add(TestApp.start("pod-" + pod.substring(pod.lastIndexOf('.') + 1)));
        }
        startCalleesOnASharedPort();
        dns.put(NAME, PODS);
        resolver = new KubernetesDnsResolver(KubernetesNaming.clusterDomain("cluster.local"), internalPort,
                dns.address());
        caller = Proxy.builder(ProxyConfig.loopback("client", 0), resolver).start();
        caller.whenReady().get(TwoSidecars.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel = NettyChannelBuilder.forAddress(TwoSidecars.loopback(caller.apiPort())).usePlaintext().build();
    }

    /** A port free on 127.0.0.2: tried on all three addresses, another one if any of them has it taken. */
    private void startCalleesOnASharedPort() throws Exception {
        ProxyStartException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = freePortOn(PODS[0]);
            try {
                for (int i = 0; i < PODS.length; i++) {
                    callees.add(Proxy.builder(callee(PODS[i], port, apps.get(i).port()), new StaticResolver(Map.of()))
                            .start());
                }
                internalPort = port;
                for (Proxy p : callees) {
                    p.whenReady().get(TwoSidecars.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            } catch (ProxyStartException e) {
                last = e;
                callees.forEach(Proxy::close);
                callees.clear();
            }
        }
        throw new AssertionError("no port free on all of " + List.of(PODS), last);
    }

    private static int freePortOn(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    /** Sidecar {@code server} in {@code production}: internal listener on {@code address:port}, the rest loopback. */
    private static ProxyConfig callee(String address, int port, int appPort) {
        return ProxyConfig.builder("server").namespace("production").app("127.0.0.1", appPort).internal(address, port)
                .build();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        List<Throwable> errors = new ArrayList<>();
        if (caller != null) {
            close(errors, "the caller sidecar", caller::close);
        }
        for (Proxy p : callees) {
            close(errors, "a callee sidecar", p::close);
        }
        for (TestApp a : apps) {
            close(errors, "an app", a::close);
        }
        if (resolver != null) {
            resolver.close(); // closed by the caller already: idempotent
        }
        if (dns != null) {
            dns.close();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("did not shut down cleanly: " + errors);
        }
    }

    private static void close(List<Throwable> errors, String what, Bounded.Step step) {
        try {
            Bounded.run("closing " + what, TwoSidecars.CLOSE_TIMEOUT, step);
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    private CallResult call(String appId) {
        return GrpcCalls.unary(channel, TestService.ECHO, routedTo(appId), new byte[] {1});
    }

    private InetSocketAddress pod(int i) {
        return new InetSocketAddress(PODS[i], internalPort);
    }

    @Test
    void callsAreSpreadOverEveryPodAndADeadPodIsSkippedThenDropped() {
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            CallResult r = call("server.production").assertOk();
            servedBy.add(r.headers().get(TestApp.SERVED_BY));
        }
        assertEquals(Set.of("pod-2", "pod-3", "pod-4"), servedBy, "round-robin over every address of the Service");

        // Pod .3's sidecar goes away (drains: GOAWAY, then its port is closed); DNS still lists it for now.
        callees.get(1).close();
        ProxyMetrics m = caller.metrics();
        int ok = 0;
        Set<String> servedAfter = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            CallResult r = call("server.production");
            if (r.status().isOk()) {
                ok++;
                servedAfter.add(r.headers().get(TestApp.SERVED_BY));
            } else {
                // A call that went to the dead pod: its dial failed, and the address is ejected for a while.
                String d = String.valueOf(r.status().getDescription());
                assertTrue(r.status().getCode() == Status.Code.UNAVAILABLE && d.contains("127.0.0.3"),
                        "only calls to the dead pod may fail: " + r.describe());
            }
        }
        assertEquals(Set.of("pod-2", "pod-4"), servedAfter);
        // Ejections last 1, 2, 4, 8, 16 s: five failures would need 30 s of calls.
        assertTrue(ok >= 25, "calls kept succeeding on the other pods: " + ok + " of 30");
        assertTrue(m.sidecarEjections() >= 1, "the dead pod was ejected");

        // The Service drops the pod: after a refresh the address is gone from the list and is never dialled again.
        dns.put(NAME, PODS[0], PODS[2]);
        Await.until("the refreshed answer without 127.0.0.3", LIMIT,
                () -> resolver.resolve("server", "production").join().equals(List.of(pod(0), pod(2))));
        long failedDials = m.dials(true, false);
        for (int i = 0; i < 30; i++) {
            CallResult r = call("server.production").assertOk();
            assertTrue(Set.of("pod-2", "pod-4").contains(r.headers().get(TestApp.SERVED_BY)));
        }
        assertEquals(failedDials, m.dials(true, false), "the dropped address was not dialled again");
    }

    @Test
    void aStalledDnsServerDoesNotStopCallsServedFromTheCache() {
        call("server.production").assertOk();
        dns.stopAnswering();
        int before = dns.queries();
        Await.until("a refresh sent to the stalled server", LIMIT, () -> dns.queries() > before);
        // The refresh is unanswered (and will time out): calls do not wait on it.
        for (int i = 0; i < 10; i++) {
            call("server.production").assertOk();
        }
        dns.answerAgain();
    }

    @Test
    void anUnknownAppFailsWithDaprsMessage() {
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE,
                "failed to resolve address for 'nobody.production': lookup nobody-dapr.production.svc.cluster.local: "
                        + "no such host", call("nobody.production"));
        GrpcCalls.assertStatus(Status.Code.UNAVAILABLE,
                "failed to resolve address for 'nobody': lookup nobody-dapr.default.svc.cluster.local: no such host",
                call("nobody")); // no namespace: the caller's own (default)
    }
}
