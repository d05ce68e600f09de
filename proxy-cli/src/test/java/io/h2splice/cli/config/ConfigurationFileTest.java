package io.h2splice.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliRun;
import io.h2splice.cli.ExitCodes;
import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.DaprConfiguration;
import io.h2splice.core.metrics.LatencyBuckets;
import io.h2splice.core.config.Mtls;
import io.h2splice.core.config.NameResolution;
import io.h2splice.core.config.Operation;
import io.h2splice.core.config.Tracing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigurationFileTest {

    private static final String HEAD = """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), yaml);
    }

    private DaprConfiguration read(String yaml) throws Exception {
        return ConfigurationFile.read(write(yaml));
    }

    @Test
    void globalDenyAndOneAppWithOperations() throws Exception {
        // docs operations/configuration/invoke-allowlist.md, scenario 3
        DaprConfiguration c = read(HEAD + """
                spec:
                  accessControl:
                    defaultAction: Deny
                    trustDomain: "public"
                    policies:
                    - appId: app1
                      defaultAction: deny
                      trustDomain: 'public'
                      namespace: "default"
                      operations:
                      - name: /op1
                        httpVerb: ['*']
                        action: ALLOW
                      - name: op2/*
                        httpVerb: ['get', 'Post']
                        action: deny
                    - appId: app2
                      defaultAction: deny
                      trustDomain: 'myDomain'
                      namespace: "ns1"
                      operations:
                      - name: /helloworld.Greeter/SayHello
                        action: allow
                """);
        AccessControl acl = c.accessControl();
        assertEquals("deny", acl.defaultAction());
        assertEquals("public", acl.trustDomain());
        assertEquals(new AccessPolicy("app1", "deny", "public", "default", List.of(
                new Operation("/op1", List.of("*"), "allow"),
                new Operation("/op2/*", List.of("GET", "POST"), "deny"))), acl.policies().get(0));
        assertEquals(new AccessPolicy("app2", "deny", "myDomain", "ns1", List.of(
                new Operation("/helloworld.Greeter/SayHello", List.of(), "allow"))), acl.policies().get(1));
        assertEquals(Mtls.defaults(), c.mtls());
        assertEquals(Tracing.defaults(), c.tracing());
        assertNull(c.nameResolution());
    }

    @Test
    void trustDomainAndDaprDefaultActions() throws Exception {
        DaprConfiguration c = read(HEAD + "spec:\n  accessControl:\n    trustDomain: corp.example\n");
        assertEquals("corp.example", c.trustDomain());
        assertEquals("allow", c.accessControl().defaultAction());
        // As Dapr's pkg/acl: no defaultAction with policies is deny; a policy's own default is inherited
        c = read(HEAD + """
                spec:
                  accessControl:
                    policies:
                    - {appId: a, trustDomain: public, namespace: default}
                """);
        assertEquals("deny", c.accessControl().defaultAction());
        assertNull(c.accessControl().policies().get(0).defaultAction());
        assertEquals("public", c.trustDomain());
    }

    @Test
    void mtlsBlock() throws Exception {
        DaprConfiguration c = read("""
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: daprsystem
                  namespace: default
                spec:
                  mtls:
                    enabled: false
                    workloadCertTTL: "1h30m"
                    allowedClockSkew: 90s
                """);
        assertEquals(new Mtls(false, Duration.ofMinutes(90), Duration.ofSeconds(90)), c.mtls());
        assertEquals(new Mtls(true, Duration.ofHours(24), Duration.ofMinutes(15)),
                read(HEAD + "spec:\n  mtls:\n    enabled: true\n    workloadCertTTL: 24h\n").mtls());
    }

    @Test
    void goDurations() {
        assertEquals(Duration.ofHours(24), ConfigurationFile.goDuration("24h"));
        assertEquals(Duration.ofMillis(1500), ConfigurationFile.goDuration("1.5s"));
        assertEquals(Duration.ofMillis(300), ConfigurationFile.goDuration("300ms"));
        assertEquals(Duration.ofMinutes(61).plusSeconds(1), ConfigurationFile.goDuration("1h1m1s"));
        assertEquals(Duration.ZERO, ConfigurationFile.goDuration("0"));
        assertEquals(Duration.ofNanos(1002), ConfigurationFile.goDuration("1us2ns"));
        for (String bad : List.of("", "24", "h", "1d", "1h 30m", "abc", "1.2.3s")) {
            assertThrows(IllegalArgumentException.class, () -> ConfigurationFile.goDuration(bad), bad);
        }
    }

    @Test
    void tracingZipkinAsDaprInitWritesIt() throws Exception {
        DaprConfiguration c = read("""
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: daprConfig
                spec:
                  tracing:
                    samplingRate: "1"
                    zipkin:
                      endpointAddress: http://localhost:9411/api/v2/spans
                """);
        assertEquals(new Tracing(1.0, "http://localhost:9411/api/v2/spans", null, null, true), c.tracing());
        assertTrue(c.tracing().exports());
        assertTrue(c.metricsEnabled());
    }

    @Test
    void tracingOtelAndNumbersOrStrings() throws Exception {
        DaprConfiguration c = read(HEAD + """
                spec:
                  tracing:
                    samplingRate: 0.5
                    stdout: true
                    otel:
                      endpointAddress: "otelcollector.observability.svc.cluster.local:4317"
                      protocol: GRPC
                      isSecure: false
                """);
        assertEquals(new Tracing(0.5, null, "otelcollector.observability.svc.cluster.local:4317", "grpc", false,
                Map.of(), Tracing.DEFAULT_TIMEOUT, true), c.tracing());
        Tracing off = read(HEAD + "spec:\n  tracing:\n    samplingRate: \"0\"\n    zipkin:\n"
                + "      endpointAddress: http://z\n").tracing();
        assertEquals(0.0, off.samplingRate());
        assertFalse(off.exports());
        assertEquals(Tracing.DEFAULT_SAMPLING_RATE, read(HEAD + "spec:\n  tracing: {}\n").tracing().samplingRate());
    }

    @Test
    void tracingOtelHeadersTimeoutAndStdout() throws Exception {
        Tracing t = read(HEAD + """
                spec:
                  tracing:
                    samplingRate: "1"
                    otel:
                      endpointAddress: collector:4318
                      protocol: http
                      headers:
                        - name: X-Api-Key
                          value: k1
                        - "x-tenant = acme"
                      timeout: 2500ms
                """).tracing();
        assertEquals(Map.of("x-api-key", "k1", "x-tenant", "acme"), t.otelHeaders());
        assertEquals(Duration.ofMillis(2500), t.otelTimeout());
        assertTrue(t.otlp());
        assertTrue(t.exports());
        assertFalse(t.stdout());
        Tracing mapped = read(HEAD + "spec:\n  tracing:\n    stdout: true\n    otel:\n      headers: {a: b}\n")
                .tracing();
        assertEquals(Map.of("a", "b"), mapped.otelHeaders());
        assertTrue(mapped.stdout());
        assertTrue(mapped.exports(), "stdout alone exports");
        assertFalse(mapped.otlp(), "headers without endpoint and protocol");
        assertEquals(Tracing.DEFAULT_TIMEOUT, mapped.otelTimeout());
    }

    @Test
    void nameResolutionSqlite() throws Exception {
        DaprConfiguration c = read(HEAD + """
                spec:
                  nameResolution:
                    component: "sqlite"
                    version: "v1"
                    configuration:
                      connectionString: "/home/user/.dapr/nr.db"
                      updateInterval: 5s
                      nested: {list: [1, two, true]}
                """);
        NameResolution nr = c.nameResolution();
        assertEquals("sqlite", nr.component());
        assertEquals("v1", nr.version());
        assertEquals("/home/user/.dapr/nr.db", nr.configuration().get("connectionString"));
        assertEquals(Map.of("list", List.of(1, "two", true)), nr.configuration().get("nested"));
        assertThrows(UnsupportedOperationException.class, () -> nr.configuration().put("x", 1));
    }

    @Test
    void defaultsAndMetricsAndIgnoredFields() throws Exception {
        assertEquals(DaprConfiguration.defaults(), read(HEAD));
        assertEquals(DaprConfiguration.defaults(), read(HEAD + "spec: {}\n"));
        DaprConfiguration d = DaprConfiguration.defaults();
        assertNull(d.accessControl());
        assertEquals("public", d.trustDomain());
        assertEquals(new Mtls(true, Duration.ofHours(24), Duration.ofMinutes(15)), d.mtls());
        assertEquals(0.0001, d.tracing().samplingRate());
        assertTrue(d.metricsEnabled());

        List<String> ignored = new ArrayList<>();
        Path f = write(HEAD + """
                spec:
                  metric:
                    enabled: false
                    rules: []
                  features:
                    - name: proxy.grpc
                      enabled: true
                """);
        assertFalse(ConfigurationFile.read(f, ignored::add).metricsEnabled());
        assertEquals(List.of(f + ":9:3: spec.features: not read by h2splice, ignored",
                f + ":8:5: spec.metric.rules: not read by h2splice, ignored"), ignored);
        assertFalse(read(HEAD + "spec:\n  metrics:\n    enabled: false\n").metricsEnabled());
        assertEquals(LatencyBuckets.DAPR, d.latencyBuckets());
        assertEquals(LatencyBuckets.of(List.of(0.5, 1, 250)),
                read(HEAD + "spec:\n  metric:\n    latencyDistributionBuckets: [0.5, 1, 250]\n").latencyBuckets());
    }

    /** Each error: one line, the file, line:column, the field path and the problem. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                                            | : the file is empty; expected a Dapr Configuration",
        "kind: Configuration\\nspec: [\\n               | :3:1: invalid YAML: ",
        "just text                                     | :1:1: expected a Dapr Configuration (apiVersion, kind, spec)",
        "apiVersion: dapr.io/v1alpha1\\nkind: Resiliency | :2:7: kind: expected 'kind: Configuration'",
        "apiVersion: dapr.io/v1alpha1                  | :1:1: expected 'kind: Configuration', found no kind",
        "apiVersion: dapr.io/v2\\nkind: Configuration   | :1:13: apiVersion: expected 'apiVersion: dapr.io/v1alpha1'",
        "#HEAD\\nspec:\\n  mtls:\\n    workloadCertTTL: 1d | :7:22: spec.mtls.workloadCertTTL: expected a duration such as 24h, 15m, 90s or 1h30m, got '1d'",
        "#HEAD\\nspec:\\n  mtls:\\n    workloadCertTTL: 0 | :7:22: spec.mtls.workloadCertTTL: must be longer than 0",
        "#HEAD\\nspec:\\n  mtls:\\n    allowedClockSkew: -1m | :7:23: spec.mtls.allowedClockSkew: must not be negative",
        "#HEAD\\nspec:\\n  mtls:\\n    enabled: maybe      | :7:14: spec.mtls.enabled: expected true or false, got 'maybe'",
        "#HEAD\\nspec:\\n  accessControl:\\n    defaultAction: permit | :7:20: spec.accessControl.defaultAction: expected allow or deny, got 'permit'",
        "#HEAD\\nspec:\\n  accessControl:\\n    policies: {} | :7:15: spec.accessControl.policies: expected a list",
        "#HEAD\\nspec:\\n  tracing:\\n    samplingRate: high | :7:19: spec.tracing.samplingRate: expected a number of at least 0",
        "#HEAD\\nspec:\\n  tracing:\\n    otel:\\n      protocol: udp | :8:17: spec.tracing.otel.protocol: expected grpc or http, got 'udp'",
        "#HEAD\\nspec:\\n  nameResolution: sqlite | :6:19: spec.nameResolution: expected a mapping",
        "#HEAD\\nspec:\\n  metric:\\n    latencyDistributionBuckets: 5 | :7:33: spec.metric.latencyDistributionBuckets: expected a list",
        "#HEAD\\nspec:\\n  metric:\\n    latencyDistributionBuckets: [1, x] | :7:37: spec.metric.latencyDistributionBuckets[1]: expected a number of milliseconds, got 'x'",
        "#HEAD\\nspec:\\n  metric:\\n    latencyDistributionBuckets: [5, 2] | :7:33: spec.metric.latencyDistributionBuckets: latency buckets must increase, got 5.0 then 2.0",
        "#HEAD\\nspec:\\n  tracing:\\n    zipkin:\\n      endpointAddress: localhost:9411/api/v2/spans | :8:24: spec.tracing.zipkin.endpointAddress: expected an http or https URL such as http://localhost:9411/api/v2/spans, got 'localhost:9411/api/v2/spans'",
        "#HEAD\\nspec:\\n  tracing:\\n    zipkin:\\n      endpointAddress: 'http://bad host/x' | :8:24: spec.tracing.zipkin.endpointAddress: not a URL: 'http://bad host/x'",
        "#HEAD\\nspec:\\n  tracing:\\n    otel:\\n      endpointAddress: collector | :8:24: spec.tracing.otel.endpointAddress: expected host:port such as otelcollector:4317, got 'collector'",
        "#HEAD\\nspec:\\n  tracing:\\n    otel:\\n      endpointAddress: 'ftp://c:1' | :8:24: spec.tracing.otel.endpointAddress: expected host:port or an http or https URL, got 'ftp://c:1'",
        "#HEAD\\nspec:\\n  tracing:\\n    otel:\\n      headers: [novalue] | :8:17: spec.tracing.otel.headers[0]: expected name=value, got 'novalue'",
        "#HEAD\\nspec:\\n  tracing:\\n    otel:\\n      timeout: 0s | :8:16: spec.tracing.otel.timeout: must be longer than 0",
        "#HEAD\\nspec:\\n  tracing:\\n    stdout: sometimes | :7:13: spec.tracing.stdout: expected true or false, got 'sometimes'",
    })
    void errorsAreOneLineWithPositionAndField(String yaml, String expected) throws IOException {
        Path f = write(yaml.replace("\\n", "\n").replace("#HEAD\n", HEAD));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigurationFile.read(f));
        assertTrue(e.getMessage().startsWith(f + expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    private static final String POLICIES = HEAD + """
            spec:
              accessControl:
                defaultAction: deny
                policies:
                - appId: app1
                  trustDomain: public
                  namespace: default
                - appId: app2
                  trustDomain: public
                  namespace: ns1
                  operations:
                  - name: /op
                    action: allow
            """;

    /** Line 12 column 7 is where the second policy starts; its operation starts at 16:9. */
    @Test
    void policyErrorsNameTheIndexAndLine() throws IOException {
        String[][] cases = {
            {"      namespace: ns1\n", "", ":12:7: spec.accessControl.policies[1]: namespace is required"},
            {"- appId: app2\n", "- namespace: x\n", ":12:7: spec.accessControl.policies[1]: appId is required"},
            {"- appId: app1\n", "- appId:\n", ":9:7: spec.accessControl.policies[0]: appId is required"},
            {"      trustDomain: public\n      namespace: ns1", "      namespace: ns1",
                ":12:7: spec.accessControl.policies[1]: trustDomain is required"},
            {"        action: allow\n", "",
                ":16:9: spec.accessControl.policies[1].operations[0]: action is required (allow or deny)"},
            {"action: allow", "action: Maybe",
                ":17:17: spec.accessControl.policies[1].operations[0].action: expected allow or deny, got 'Maybe'"},
            {"  - name: /op\n", "  - name: ''\n",
                ":16:9: spec.accessControl.policies[1].operations[0]: name is required"},
        };
        for (String[] c : cases) {
            String yaml = POLICIES.replace(c[0], c[1]);
            assertFalse(yaml.equals(POLICIES), "the edit applies: " + c[0]);
            Path f = write(yaml);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigurationFile.read(f));
            assertEquals(f + c[2], e.getMessage());
        }
    }

    @Test
    void runWithABrokenConfigPrintsOneLineAndExits2() throws IOException {
        Path f = write(HEAD + "spec:\n  mtls:\n    workloadCertTTL: forever\n");
        CliRun r = CliRun.run(dir, "run", "--config", f.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--config: " + f + ":7:22: spec.mtls.workloadCertTTL: expected a duration"),
                r.err());
        assertEquals("", r.out());

        r = CliRun.run(dir, "run", "-c", dir.resolve("nope.yaml").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--config: no such file: "), r.err());
    }

    @Test
    void runWithABadTracingEndpointPrintsOneLineNamingTheFieldAndExits2() throws IOException {
        Path f = write(HEAD + "spec:\n  tracing:\n    samplingRate: \"1\"\n    zipkin:\n"
                + "      endpointAddress: zipkin:9411\n");
        CliRun r = CliRun.run(dir, "run", "--config", f.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--config: " + f + ":9:24: spec.tracing.zipkin.endpointAddress: expected an "
                + "http or https URL"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }
}
