package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.core.config.Limits;
import io.h2splice.cli.log.LogLevel;
import io.h2splice.core.config.Keepalive;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.resiliency.CallPolicy;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        assertEquals(Limits.memoryBudgetFor(Runtime.getRuntime().maxMemory(),
                io.netty.util.internal.PlatformDependent.maxDirectMemory()), c.limits().memoryBudget());
        assertEquals(Keepalive.defaults(), c.keepalive());
        assertEquals(Duration.ofSeconds(5), c.gracefulShutdown());
        assertFalse(c.apiLogging());
        assertEquals("grpc", s.appProtocol());
        assertEquals(List.of(), s.command());
        assertEquals(LogLevel.INFO, s.logLevel());
        assertFalse(s.logAsJson());
        assertEquals(USER_HOME.resolve(".h2splice"), s.home());
        assertNull(s.resolverFile());
        assertEquals(List.of(), s.resourcesPaths());
        assertFalse(s.resiliency().isActive());
        assertEquals(ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER, s.resiliency().maxRetryBuffer());
    }

    @Test
    void thePodFlagsOfDaprsInjector() {
        RunSettings s = parse("--app-id", "server", "--mode", "kubernetes", "--dapr-public-port", "3501",
                "--dapr-graceful-shutdown-seconds", "-1");
        assertEquals(3501, s.publicPort());
        assertEquals(Duration.ofSeconds(5), s.config().gracefulShutdown(), "negative means daprd's default");
        assertTrue(s.kubernetes());
        assertTrue(s.servesOutOnStop(), "a pod: the app is another container");
        assertEquals(-1, parse("--app-id", "server").publicPort(), "off unless given");
        assertFalse(parse("--app-id", "server").servesOutOnStop(), "standalone: drains at once");
        assertFalse(parse("--app-id", "server", "--mode", "kubernetes", "--", "sleep", "1").servesOutOnStop(),
                "an app command is stopped first, then the drain");
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

    // ---- --resources-path and --max-retry-buffer

    private static final String RESILIENCY = """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: %s
            scopes: [%s]
            spec:
              policies:
                timeouts:
                  general: 5s
                retries:
                  important:
                    policy: constant
                    duration: 5s
                    maxRetries: 30
                circuitBreakers:
                  simpleCB:
                    maxRequests: 1
                    timeout: 30s
                    trip: consecutiveFailures >= 5
              targets:
                apps:
                  appB:
                    timeout: general
                    retry: important
                    circuitBreaker: simpleCB
            """;

    /** {@code dapr init}'s state store component: not a Resiliency, so skipped. */
    private static final String COMPONENT = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: localhost:6379
              - name: actorStateStore
                value: "true"
            """;

    @Test
    void resourcesPathLoadsTheResiliencyOfThisAppAndSkipsComponents(@TempDir Path dir) throws IOException {
        Path one = Files.createDirectory(dir.resolve("one"));
        Path two = Files.createDirectory(dir.resolve("two"));
        Files.writeString(one.resolve("statestore.yaml"), COMPONENT);
        Files.writeString(one.resolve("resiliency.yaml"), RESILIENCY.formatted("forClient", "client"));
        Files.writeString(two.resolve("resiliency.yml"), RESILIENCY.formatted("forOthers", "server, other"));
        Files.writeString(two.resolve("more.yaml"), COMPONENT + "---\n" + RESILIENCY.formatted("forAll", ""));
        // Dapr's three spellings, each repeatable; directories are read in the order given.
        for (String[] flags : List.of(new String[] {"--resources-path", one.toString(), "--resources-path",
                two.toString()}, new String[] {"--components-path", one.toString(), "-d", two.toString()})) {
            List<String> args = new java.util.ArrayList<>(List.of("-a", "client"));
            args.addAll(List.of(flags));
            RunSettings s = parse(args.toArray(new String[0]));
            assertEquals(List.of(one, two), s.resourcesPaths());
            assertTrue(s.resiliency().isActive());
            assertEquals(List.of("forClient", "forAll"),
                    s.resiliency().resources().stream().map(Resiliency::name).toList());
            CallPolicy appB = s.resiliency().forTarget("appB");
            assertEquals(Duration.ofSeconds(5).toNanos(), appB.timeoutNanos());
            assertEquals(30, appB.retry().maxRetries());
            assertEquals("simpleCB", appB.breakerPolicyName());
            assertTrue(s.configIgnored().stream().anyMatch(l -> l.equals(one.resolve("statestore.yaml")
                    + ":1:1: kind Component, not a Resiliency, skipped")), s.configIgnored().toString());
            assertTrue(s.configIgnored().stream().anyMatch(l -> l.endsWith("Resiliency 'forOthers' is scoped to "
                    + "[server, other], not to 'client', skipped")), s.configIgnored().toString());
        }
    }

    @Test
    void aDirectoryOfComponentsOnlyLoadsNothing(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("statestore.yaml"), COMPONENT);
        RunSettings s = parse("-d", dir.toString());
        assertEquals(List.of(dir), s.resourcesPaths());
        assertFalse(s.resiliency().isActive());
        assertEquals("no resiliency policies", s.resiliency().describe());
    }

    @Test
    void aBrokenResiliencyIsOneLineNamingFileLineAndField(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("statestore.yaml"), COMPONENT);
        Path bad = Files.writeString(dir.resolve("resiliency.yaml"),
                RESILIENCY.formatted("r", "").replace("general: 5s", "general: 5 seconds"));
        UsageException e = assertThrows(UsageException.class, () -> parse("-d", dir.toString()));
        assertEquals("--resources-path: " + bad + ":9:16: spec.policies.timeouts.general: expected a duration "
                + "such as 24h, 15m, 90s or 1h30m, got '5 seconds'", e.getMessage());
    }

    @Test
    void aMissingDirectoryIsAUsageError(@TempDir Path dir) {
        Path none = dir.resolve("none");
        assertEquals("--resources-path: " + none + ": not a directory",
                assertThrows(UsageException.class, () -> parse("--resources-path", none.toString())).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"64Ki, 65536", "1Mi, 1048576", "4096, 4096", "0, 0", "1.5Ki, 1536", "1k, 1000", "1Gi, 1073741824"})
    void maxRetryBufferIsAQuantityLikeMaxBodySize(String flag, int bytes, @TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("resiliency.yaml"), RESILIENCY.formatted("r", ""));
        assertEquals(bytes, parse("--max-retry-buffer", flag).resiliency().maxRetryBuffer());
        RunSettings s = parse("--max-retry-buffer=" + flag, "-d", dir.toString());
        assertEquals(bytes, s.resiliency().maxRetryBuffer());
        assertEquals(bytes, s.resiliency().forTarget("appB").maxRetryBuffer());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "-1      | --max-retry-buffer: '-1' must not be negative",
        "-64Ki   | --max-retry-buffer: '-64Ki' must not be negative",
        "64KB    | --max-retry-buffer: '64KB' is not a size; use bytes or a quantity such as 4Ki, 16Mi, 1Gi or 4M",
        "lots    | --max-retry-buffer: 'lots' is not a size; use bytes or a quantity such as 4Ki, 16Mi, 1Gi or 4M",
        "2Gi     | --max-retry-buffer must be at most 1Gi (1073741824 bytes), got '2Gi'",
        "1e300   | --max-retry-buffer: '1e300' is too large",
    })
    void badMaxRetryBuffers(String flag, String message) {
        assertEquals(message, assertThrows(UsageException.class,
                () -> parse("--max-retry-buffer", flag)).getMessage());
    }

    @Test
    void theDefaultMemoryBudgetIsHalfTheSmallerOfHeapAndDirectMemoryWithinItsBounds() {
        assertEquals(128L << 20, Limits.memoryBudgetFor(256L << 20, 256L << 20), "the launcher's flags");
        assertEquals(128L << 20, Limits.memoryBudgetFor(4L << 30, 4L << 30), "at most 128 MiB");
        assertEquals(32L << 20, Limits.memoryBudgetFor(64L << 20, 256L << 20), "a small heap");
        assertEquals(16L << 20, Limits.memoryBudgetFor(1L << 30, 32L << 20), "little direct memory");
        assertEquals(4L << 20, Limits.memoryBudgetFor(2L << 20, 2L << 20), "at least 4 MiB");
    }

    @Test
    void memoryBudgetIsAQuantity() {
        assertEquals(48L << 20, parse("--memory-budget", "48Mi").config().limits().memoryBudget());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1Mi     | --memory-budget must be at least 4Mi, got '1Mi'",
        "lots    | --memory-budget: 'lots' is not a size; use bytes or a quantity such as 4Ki, 16Mi, 1Gi or 4M",
        "-8Mi    | --memory-budget: '-8Mi' must not be negative",
    })
    void badMemoryBudgets(String flag, String message) {
        assertEquals(message, assertThrows(UsageException.class,
                () -> parse("--memory-budget", flag)).getMessage());
    }

    @Test
    void sentryAsDaprdReadsIt() {
        Map<String, String> vars = Map.of("DAPR_TRUST_ANCHORS", "PEM");
        SentrySource s = parse(vars, "--app-id", "a", "--sentry-address", "dapr-sentry.dapr-system.svc:443").tls()
                .sentry();
        assertEquals("dapr-sentry.dapr-system.svc", s.host());
        assertEquals(443, s.port());
        assertEquals("spiffe://localhost/ns/default/dapr-sentry", s.sentryId().toString());
        assertNull(s.tokenFile());
        assertNull(s.localIdentity());

        Map<String, String> env = Map.of("DAPR_TRUST_ANCHORS", "PEM", "DAPR_CONTROLPLANE_TRUST_DOMAIN", "cluster.local",
                "DAPR_CONTROLPLANE_NAMESPACE", "dapr-system", "DAPR_SENTRY_TOKEN_FILE", "/var/run/token",
                "SENTRY_LOCAL_IDENTITY", "other");
        SentrySource k = parse(env, "--app-id", "a", "--sentry-address", "[::1]:50001").tls().sentry();
        assertEquals("::1", k.host());
        assertEquals("[::1]:50001", k.address());
        assertEquals("spiffe://cluster.local/ns/dapr-system/dapr-sentry", k.sentryId().toString());
        assertEquals(Path.of("/var/run/token"), k.tokenFile());
        assertFalse(k.kubernetesToken()); // self-hosted: Sentry's JWKS validator
        assertEquals("other", k.localIdentity());

        SentrySource flags = parse(env, "--app-id", "a", "--sentry-address", "s:1", "--control-plane-trust-domain",
                "td", "--control-plane-namespace", "ns", "--mode", "kubernetes").tls().sentry();
        assertEquals("spiffe://td/ns/ns/dapr-sentry", flags.sentryId().toString());
        assertTrue(flags.kubernetesToken()); // Kubernetes mode: Sentry's Kubernetes validator, as daprd
        assertNull(parse(vars, "--app-id", "a").tls().sentry());
    }

    @Test
    void anEmptySentryTokenFileVariableIsAnError() {
        UsageException e = assertThrows(UsageException.class, () -> parse(Map.of("DAPR_TRUST_ANCHORS", "PEM",
                "DAPR_SENTRY_TOKEN_FILE", ""), "--sentry-address", "s:1"));
        assertEquals("DAPR_SENTRY_TOKEN_FILE is set with an empty value", e.getMessage());
    }
}
