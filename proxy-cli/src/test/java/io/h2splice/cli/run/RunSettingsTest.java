package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.log.LogLevel;
import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.ProxyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunSettingsTest {

    private static final Path USER_HOME = Path.of("/home/someone");

    private static RunSettings parse(Map<String, String> vars, String... args) {
        CliEnv env = new CliEnv(vars, USER_HOME, System.out, System.err);
        CommandLine cl = RunCommand.commandLine(env);
        cl.parseArgs(args);
        return RunSettings.from(cl.getCommand(), env);
    }

    private static RunSettings parse(String... args) {
        return parse(Map.of(), args);
    }

    @Test
    void defaults() {
        RunSettings s = parse();
        ProxyConfig c = s.config();
        assertTrue(c.appId().matches("h2splice-[a-z0-9]{4}"), c.appId());
        assertEquals("default", c.namespace());
        assertEquals(List.of("127.0.0.1"), c.listenAddresses());
        assertEquals("127.0.0.1", c.internalAddress());
        assertEquals(0, c.apiPort());
        assertEquals(0, c.internalPort());
        assertEquals(0, c.httpPort());
        assertEquals(0, c.metricsPort());
        assertEquals(0, c.appPort());
        assertFalse(c.hasApp());
        assertEquals("127.0.0.1", c.appAddress());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), c.workers());
        assertEquals(4L << 20, c.limits().maxHeaderListSize(), "read-buffer-size 4Ki << 10");
        assertEquals(-1, c.limits().maxBodySize(), "no proxy limit");
        assertEquals(Keepalive.defaults(), c.keepalive());
        assertEquals(Duration.ofSeconds(5), c.gracefulShutdown());
        assertFalse(c.apiLogging());
        assertEquals("grpc", s.appProtocol());
        assertEquals(List.of(), s.command());
        assertEquals(LogLevel.INFO, s.logLevel());
        assertFalse(s.logAsJson());
        assertEquals(USER_HOME.resolve(".h2splice"), s.home());
        assertNull(s.resolverFile());
    }

    @Test
    void everyFlagWithDaprShortForms() {
        RunSettings s = parse(Map.of("NAMESPACE", "prod", "H2SPLICE_HOME", "/var/h2"),
                "-a", "server", "-p", "50051", "-P", "h2c", "--app-channel-address", "10.0.0.5", "-G", "50001",
                "-I", "50002", "-H", "3500", "-M", "9090", "--dapr-listen-addresses", "127.0.0.1, ::1",
                "--max-body-size", "16Mi", "--read-buffer-size", "8Ki", "--dapr-graceful-shutdown-seconds", "12",
                "--log-level", "DEBUG", "--log-as-json", "--enable-api-logging", "--enable-mtls=false",
                "--app-ssl=false", "--workers", "3", "--", "python3", "app.py", "--port", "50051");
        ProxyConfig c = s.config();
        assertEquals("server", c.appId());
        assertEquals("prod", c.namespace());
        assertEquals(50051, c.appPort());
        assertTrue(c.hasApp());
        assertEquals("h2c", s.appProtocol());
        assertEquals("10.0.0.5", c.appAddress());
        assertEquals(50001, c.apiPort());
        assertEquals(50002, c.internalPort());
        assertEquals(3500, c.httpPort());
        assertEquals(9090, c.metricsPort());
        assertEquals(List.of("127.0.0.1", "::1"), c.listenAddresses());
        assertEquals(16L << 20, c.limits().maxBodySize());
        assertEquals(8L << 20, c.limits().maxHeaderListSize());
        assertEquals(Duration.ofSeconds(12), c.gracefulShutdown());
        assertEquals(LogLevel.DEBUG, s.logLevel());
        assertTrue(s.logAsJson());
        assertTrue(c.apiLogging());
        assertEquals(3, c.workers());
        assertEquals(List.of("python3", "app.py", "--port", "50051"), s.command());
        assertEquals(Path.of("/var/h2"), s.home());
    }

    @Test
    void longFormsAndBooleanValues() {
        RunSettings s = parse("--app-id=server", "--app-port=50051", "--app-protocol=HTTP", "--dapr-grpc-port=1",
                "--dapr-internal-grpc-port=2", "--dapr-http-port=3", "--metrics-port=4", "--log-as-json=false",
                "--enable-api-logging=true", "--log-level", "warn");
        assertEquals("http", s.appProtocol());
        assertEquals(1, s.config().apiPort());
        assertEquals(2, s.config().internalPort());
        assertEquals(3, s.config().httpPort());
        assertEquals(4, s.config().metricsPort());
        assertFalse(s.logAsJson());
        assertTrue(s.config().apiLogging());
        assertEquals(LogLevel.WARN, s.logLevel());
    }

    @Test
    void commandWithoutDoubleDashStartsAtTheFirstPositional() {
        RunSettings s = parse("-a", "server", "java", "-jar", "server.jar", "--app-id", "x");
        assertEquals("server", s.config().appId());
        assertEquals(List.of("java", "-jar", "server.jar", "--app-id", "x"), s.command());
    }

    @Test
    void emptyNamespaceOrHomeMeansTheDefault() {
        RunSettings s = parse(Map.of("NAMESPACE", "", "H2SPLICE_HOME", ""));
        assertEquals("default", s.config().namespace());
        assertEquals(USER_HOME.resolve(".h2splice"), s.home());
    }

    @Test
    void apiTokensComeFromTheEnvironmentAndAreNeverPrinted() {
        RunSettings s = parse(Map.of("DAPR_API_TOKEN", "dapr-s3cret", "APP_API_TOKEN", "app-s3cret"), "-a", "x");
        assertEquals("dapr-s3cret", s.config().apiTokens().dapr());
        assertEquals("app-s3cret", s.config().apiTokens().app());
        assertFalse(s.toString().contains("s3cret"), "RunSettings.toString prints a token: " + s);
        assertTrue(s.config().toString().contains("ApiTokens[dapr=<set>, app=<set>]"), s.config().toString());
    }

    @Test
    void emptyTokensMeanNotSet() {
        RunSettings s = parse(Map.of("DAPR_API_TOKEN", "", "APP_API_TOKEN", ""), "-a", "x");
        assertFalse(s.config().apiTokens().checksCallers());
        assertFalse(s.config().apiTokens().stampsApp());
    }

    @Test
    void internalListenerBindsTheFirstListenAddress() {
        assertEquals("0.0.0.0", parse("--dapr-listen-addresses", "0.0.0.0,127.0.0.1").config().internalAddress());
    }

    @Test
    void randomAppIdsDiffer() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(RunSettings.randomAppId());
        }
        assertTrue(ids.size() > 1, ids.toString());
    }

    @Test
    void anAccessListIsAcceptedAndItsFileKeptForReloads(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path f = dir.resolve("acl.yaml");
        java.nio.file.Files.writeString(f, String.join("\n",
                "apiVersion: dapr.io/v1alpha1",
                "kind: Configuration",
                "metadata:",
                "  name: c",
                "spec:",
                "  accessControl:",
                "    defaultAction: DENY",
                "    policies:",
                "    - appId: app1",
                "      trustDomain: public",
                "      namespace: default",
                ""));
        RunSettings s = parse("--config", f.toString());
        assertEquals("deny", s.dapr().accessControl().defaultAction());
        assertEquals(1, s.dapr().accessControl().policies().size());
        assertEquals(f, s.configFile());
        assertEquals(null, parse().configFile());
    }

    @Test
    void configurationFileSetsTrustDomainCertificateLifetimeAndCanTurnMtlsOff(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path on = dir.resolve("on.yaml");
        java.nio.file.Files.writeString(on, String.join("\n",
                "apiVersion: dapr.io/v1alpha1",
                "kind: Configuration",
                "metadata:",
                "  name: c",
                "spec:",
                "  accessControl:",
                "    trustDomain: example.org",
                "  mtls:",
                "    enabled: true",
                "    workloadCertTTL: 2h",
                "    allowedClockSkew: 1m",
                ""));
        TlsSettings tls = parse("--config", on.toString()).tls();
        assertTrue(tls.mtls());
        assertEquals("example.org", tls.trustDomain());
        assertEquals(Duration.ofHours(2), tls.certTtl());
        assertEquals(Duration.ofMinutes(1), tls.backdate());

        Path off = dir.resolve("off.yaml");
        java.nio.file.Files.writeString(off, String.join("\n",
                "apiVersion: dapr.io/v1alpha1",
                "kind: Configuration",
                "metadata:",
                "  name: c",
                "spec:",
                "  mtls:",
                "    enabled: false",
                ""));
        TlsSettings offTls = parse("--config", off.toString()).tls();
        assertFalse(offTls.mtls(), "spec.mtls.enabled: false turns mTLS off");
        assertTrue(offTls.offByConfig());
    }
}
