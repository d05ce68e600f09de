package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliRun;
import io.h2splice.cli.ExitCodes;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The annotations' defaults (Dapr's), the values accepted and refused, and the injector's own flags. */
class SidecarAnnotationsTest {

    private static Map<String, String> annotations(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("dapr.io/enabled", "true");
        for (int i = 0; i < kv.length; i += 2) {
            m.put("dapr.io/" + kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void daprDefaults() throws Exception {
        SidecarAnnotations a = SidecarAnnotations.parse(annotations(), "pod-name");
        assertEquals("pod-name", a.appId());
        assertNull(a.appPort());
        assertEquals("http", a.appProtocol());
        assertEquals("info", a.logLevel());
        assertTrue(a.metricsEnabled());
        assertEquals(9090, a.metricsPort());
        assertEquals(50001, a.grpcPort());
        assertEquals(50002, a.internalPort());
        assertEquals("127.0.0.1", a.listenAddresses());
        assertNull(a.gracefulSeconds());
        assertNull(a.apiLogging());
        assertFalse(a.nativeSidecar());
        assertTrue(a.resources().isEmpty());
        assertEquals(Probe.LIVENESS_DEFAULTS, a.liveness());
        assertEquals(Probe.READINESS_DEFAULTS, a.readiness());
        assertEquals("RuntimeDefault", a.seccompProfile());
    }

    @Test
    void enabledIsTrueInAnyCaseAndNothingElse() {
        assertTrue(SidecarAnnotations.enabled(Map.of("dapr.io/enabled", "True")));
        assertFalse(SidecarAnnotations.enabled(Map.of("dapr.io/enabled", "yes")), "Dapr's webhook: EqualFold true");
        assertFalse(SidecarAnnotations.enabled(Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"y", "Yes", "TRUE", "on", "1"})
    void truthyAsDapr(String v) throws Exception {
        assertTrue(SidecarAnnotations.parse(annotations("enable-native-sidecar", v, "app-id", "x"), null)
                .nativeSidecar());
        assertFalse(SidecarAnnotations.parse(annotations("enable-metrics", v.equals("1") ? "0" : "off",
                "app-id", "x"), null).metricsEnabled());
    }

    @Test
    void appIdMustMakeADnsLabelWithDapr() throws Exception {
        String longest = "a".repeat(58);
        assertEquals(longest, SidecarAnnotations.parse(annotations("app-id", longest), null).appId());
        for (String bad : List.of("a".repeat(59), "Server", "a.b", "-a", "a_b")) {
            AnnotationException e = assertThrows(AnnotationException.class,
                    () -> SidecarAnnotations.parse(annotations("app-id", bad), null), bad);
            assertTrue(e.problems().get(0).startsWith("dapr.io/app-id: '" + bad + "'"), e.getMessage());
        }
        AnnotationException e = assertThrows(AnnotationException.class,
                () -> SidecarAnnotations.parse(annotations(), null));
        assertTrue(e.getMessage().contains("dapr.io/app-id is not set"), e.getMessage());
    }

    @Test
    void quantitiesPortsAndOtherValues() throws Exception {
        SidecarAnnotations ok = SidecarAnnotations.parse(annotations("app-id", "a", "sidecar-cpu-request", "0.5",
                "sidecar-memory-limit", "1e3", "max-body-size", "16Mi", "graceful-shutdown-seconds", "-1",
                "log-level", "warning", "sidecar-seccomp-profile-type", "Unconfined"), null);
        assertEquals("0.5", ok.resources().cpuRequest());
        assertEquals("1e3", ok.resources().memoryLimit());
        assertNull(ok.gracefulSeconds(), "negative is Dapr's 'default'");
        assertEquals("Unconfined", ok.seccompProfile());
        AnnotationException e = assertThrows(AnnotationException.class, () -> SidecarAnnotations.parse(annotations(
                "app-id", "a", "sidecar-memory-request", "1 Gi", "grpc-port", "3500", "log-level", "loud",
                "graceful-shutdown-seconds", "4000", "env", "=x", "api-token-secret", "Bad_Name",
                "sidecar-liveness-probe-period-seconds", "0"), null));
        assertEquals(7, e.problems().size(), e.problems().toString());
    }

    @Test
    void injectorFlags(@TempDir Path dir) {
        CliRun r = CliRun.run(Map.of(), dir, "injector", "--port", "70000");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("h2splice injector: --port must be in 0..65535, got 70000", r.err().strip());
        r = CliRun.run(Map.of(), dir, "injector", "--port", "0", "--tls-cert-file", dir.resolve("no.crt").toString(),
                "--tls-key-file", dir.resolve("no.key").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("h2splice injector: --tls-cert-file/--tls-key-file: "), r.err());
        r = CliRun.run(Map.of(), dir, "injector", "--identity-issuer-kind", "Cluster");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--identity-issuer-kind must be ClusterIssuer or Issuer"), r.err());
        r = CliRun.run(Map.of(), dir, "injector", "--help");
        assertEquals(ExitCodes.OK, r.code());
        assertTrue(r.out().contains("--manage-services"), r.out());
    }
}
