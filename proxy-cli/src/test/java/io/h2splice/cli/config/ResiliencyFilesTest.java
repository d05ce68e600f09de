package io.h2splice.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResiliencyFilesTest {

    private static final String HEAD = """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: myresiliency
            """;

    /** Dapr's docs, operations/resiliency/resiliency-overview.md, the complete example, as is. */
    private static final String DOCS_EXAMPLE = DaprDocsExamples.resiliencyOverview();

    /** Dapr's docs, operations/resiliency/policies/retries/retries-overview.md, "Retry status codes", as is. */
    private static final String DOCS_MATCHING = """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: myresiliency
            spec:
              policies:
                retries:
                  retry5xxOnly:
                    policy: constant
                    duration: 5s
                    maxRetries: 3
                    matching:
                      httpStatusCodes: "429,500-599" # retry the HTTP status codes in this range. All others are not retried.
                      gRPCStatusCodes: "1-4,8-11,13,14" # retry gRPC status codes in these ranges and separate single codes.
            """;

    @TempDir
    Path dir;

    private final List<String> debug = new ArrayList<>();

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private List<Resiliency> load(String appId) throws ConfigException {
        return ResiliencyFiles.read(List.of(dir), appId, debug::add);
    }

    private Resiliency one(String yaml) throws Exception {
        write("res.yaml", yaml);
        List<Resiliency> all = load("appA");
        assertEquals(1, all.size());
        return all.get(0);
    }

    private String error(String yaml) throws IOException {
        write("res.yaml", yaml);
        return assertThrows(ConfigException.class, () -> load("appA")).getMessage();
    }

    @Test
    void docsExampleLoadsAsIs() throws Exception {
        Resiliency r = one(DOCS_EXAMPLE);
        assertEquals("myresiliency", r.name());
        assertEquals(List.of(), r.scopes());
        assertEquals(Duration.ofSeconds(5), r.timeouts().get("general"));
        assertEquals(Duration.ofSeconds(60), r.timeouts().get("important"));
        assertEquals(Duration.ofSeconds(10), r.timeouts().get("largeResponse"));
        assertEquals(List.of("DefaultRetryPolicy", "DefaultAppRetryPolicy", "DefaultActorRetryPolicy",
                "DefaultComponentInboundRetryPolicy", "retryForever", "important", "someOperation", "largeResponse"),
                List.copyOf(r.retries().keySet()));

        RetryPolicy forever = r.retries().get("retryForever");
        assertEquals(RetryPolicy.Kind.EXPONENTIAL, forever.policy());
        assertEquals(Duration.ofSeconds(15), forever.maxInterval());
        assertEquals(RetryPolicy.FOREVER, forever.maxRetries());
        assertEquals(Duration.ofMillis(500), forever.initialInterval());
        assertEquals(Set.of(), forever.grpcStatusCodes());
        RetryPolicy important = r.retries().get("important");
        assertEquals(RetryPolicy.Kind.CONSTANT, important.policy());
        assertEquals(Duration.ofSeconds(5), important.duration());
        assertEquals(30, important.maxRetries());
        assertEquals(Duration.ofMillis(100), r.retries().get(Resiliency.DEFAULT_APP_RETRY).duration());
        assertEquals(3, r.retries().get(Resiliency.DEFAULT_RETRY).maxRetries());
        assertEquals(-1, r.retries().get("someOperation").maxRetries());

        assertEquals(new CircuitBreakerPolicy(1, Duration.ZERO, Duration.ofSeconds(30), "consecutiveFailures >= 5"),
                r.circuitBreakers().get("simpleCB"));
        assertEquals(new CircuitBreakerPolicy(1, Duration.ofSeconds(8), Duration.ofSeconds(45),
                "consecutiveFailures > 8"), r.circuitBreakers().get("pubsubCB"));
        assertTrue(r.circuitBreakers().containsKey(Resiliency.DEFAULT_APP_CIRCUIT_BREAKER));

        assertEquals(java.util.Map.of("appB", new AppTarget("general", "important", "simpleCB", 100)), r.apps());
        assertTrue(debug.stream().anyMatch(l -> l.contains("spec.targets.actors: h2splice proxies service "
                + "invocation only, ignored")), debug.toString());
        assertTrue(debug.stream().anyMatch(l -> l.contains("spec.targets.components:")), debug.toString());
    }

    @Test
    void docsMatchingExampleLoadsAsIs() throws Exception {
        RetryPolicy r = one(DOCS_MATCHING).retries().get("retry5xxOnly");
        assertEquals(Set.of(1, 2, 3, 4, 8, 9, 10, 11, 13, 14), r.grpcStatusCodes());
        assertEquals(101, r.httpStatusCodes().size()); // 429 and 500-599
        assertTrue(r.retries(14));
        assertFalse(r.retries(5));
        assertEquals(3, r.maxRetries());
    }

    @Test
    void defaults() throws Exception {
        Resiliency r = one(HEAD + """
                spec:
                  policies:
                    retries:
                      plain: {}
                      exp:
                        policy: exponential
                    circuitBreakers:
                      cb: {}
                      zeros:
                        maxRequests: 0
                        timeout: 0s
                  targets:
                    apps:
                      server.production:
                        retry: plain
                """);
        RetryPolicy plain = r.retries().get("plain");
        assertEquals(RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT), plain);
        assertEquals(RetryPolicy.defaults(RetryPolicy.Kind.EXPONENTIAL), r.retries().get("exp"));
        assertEquals(CircuitBreakerPolicy.defaults(), r.circuitBreakers().get("cb"));
        assertEquals(CircuitBreakerPolicy.defaults(), r.circuitBreakers().get("zeros"));
        assertEquals(new AppTarget(null, "plain", null, 100), r.apps().get("server.production"));
    }

    @Test
    void emptyResourceHasNoPolicies() throws Exception {
        Resiliency r = one(HEAD);
        assertTrue(r.timeouts().isEmpty() && r.retries().isEmpty() && r.circuitBreakers().isEmpty());
        assertTrue(r.apps().isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"5s, PT5S", "1m30s, PT1M30S", "500ms, PT0.5S", "1h, PT1H", "0, PT0S", "1.5s, PT1.5S"})
    void daprDurations(String yaml, String expected) throws Exception {
        Resiliency r = one(HEAD + "spec:\n  policies:\n    timeouts:\n      t: " + yaml + "\n");
        assertEquals(Duration.parse(expected), r.timeouts().get("t"));
    }

    @Test
    void scopes() throws Exception {
        write("a.yaml", HEAD.replace("myresiliency", "forA") + "scopes: [appA, appC]\n");
        write("b.yml", HEAD.replace("myresiliency", "forB") + "scopes:\n  - appB\n");
        write("all.yaml", HEAD.replace("myresiliency", "forAll"));
        assertEquals(List.of("forA", "forAll"), load("appA").stream().map(Resiliency::name).toList());
        assertEquals(List.of("forAll", "forB"), load("appB").stream().map(Resiliency::name).toList());
        assertEquals(List.of("forAll"), load("appD").stream().map(Resiliency::name).toList());
        assertTrue(debug.stream().anyMatch(l -> l.endsWith("Resiliency 'forB' is scoped to [appB], not to 'appA', "
                + "skipped")), debug.toString());
    }

    @Test
    void multiDocumentFilesOtherKindsAndOtherFiles() throws Exception {
        write("all.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: statestore
                spec:
                  type: state.redis
                  version: v1
                ---
                """ + HEAD.replace("myresiliency", "first") + """
                ---
                """ + HEAD.replace("myresiliency", "second") + """
                spec:
                  policies:
                    timeouts:
                      general: 5s
                ---
                """);
        write("notes.txt", "not: yaml: at: all: [");
        Files.createDirectory(dir.resolve("sub.yaml"));
        Path other = Files.createDirectory(dir.resolve("more"));
        Files.writeString(other.resolve("r.yml"), HEAD.replace("myresiliency", "third"));
        List<Resiliency> all = ResiliencyFiles.read(List.of(dir, other), "appA", debug::add);
        assertEquals(List.of("first", "second", "third"), all.stream().map(Resiliency::name).toList());
        assertEquals(Duration.ofSeconds(5), all.get(1).timeouts().get("general"));
        assertTrue(debug.stream().anyMatch(l -> l.equals(dir.resolve("all.yaml") + ":1:1: kind Component, not a "
                + "Resiliency, skipped")), debug.toString());
    }

    @Test
    void noFilesNoResources() throws Exception {
        assertEquals(List.of(), load("appA"));
    }

    @Test
    void notADirectory() throws Exception {
        Path f = write("res.yaml", HEAD);
        assertEquals(f + ": not a directory",
                assertThrows(ConfigException.class, () -> ResiliencyFiles.read(List.of(f), "a")).getMessage());
    }

    /** The trip expression is parsed at load: a bad one names the file, its position and the policy. */
    @Test
    void aBadTripExpressionFailsTheLoad() throws Exception {
        String f = dir.resolve("res.yaml").toString();
        String msg = error(HEAD + "spec:\n  policies:\n    circuitBreakers:\n      simpleCB:\n"
                + "        trip: failures > 5\n");
        assertTrue(msg.startsWith(f + ":9:15: spec.policies.circuitBreakers.simpleCB.trip: unknown counter 'failures'"),
                msg);
        assertFalse(msg.contains("trip: trip:"), msg);
        one(HEAD + "spec:\n  policies:\n    circuitBreakers:\n      simpleCB:\n"
                + "        trip: consecutiveFailures > 5 || requests >= 100 && totalFailures > 50\n");
    }

    @Test
    void errorMessages() throws Exception {
        String f = dir.resolve("res.yaml").toString();
        String policies = HEAD + "spec:\n  policies:\n";
        assertEquals(f + ":10:21: spec.policies.retries.retryForever.maxRetries: expected a whole number, got 'x'",
                error(policies + """
                            retries:
                              retryForever:
                                policy: exponential
                                maxRetries: x
                        """));
        assertEquals(f + ":8:16: spec.policies.timeouts.general: expected a duration such as 24h, 15m, 90s or "
                + "1h30m, got '5 seconds'", error(policies + "    timeouts:\n      general: 5 seconds\n"));
        assertEquals(f + ":8:16: spec.policies.timeouts.general: must not be negative, got '-5s'",
                error(policies + "    timeouts:\n      general: -5s\n"));
        assertEquals(f + ":9:17: spec.policies.retries.r.policy: expected constant or exponential, got 'linear'",
                error(policies + "    retries:\n      r:\n        policy: linear\n"));
        assertEquals(f + ":10:28: spec.policies.retries.r.matching.gRPCStatusCodes: gRPC status code 17 is out of "
                + "range 0-16", error(policies + "    retries:\n      r:\n        matching:\n"
                        + "          gRPCStatusCodes: \"14,17\"\n"));
        assertEquals(f + ":9:22: spec.policies.circuitBreakers.cb.maxRequests: must not be negative, got -1",
                error(policies + "    circuitBreakers:\n      cb:\n        maxRequests: -1\n"));
        assertEquals(f + ":8:10: spec.policies.retries.r: expected a mapping with policy, duration, maxInterval, "
                + "maxRetries", error(policies + "    retries:\n      r: 5s\n"));
        assertEquals(f + ":2:13: apiVersion: expected 'apiVersion: dapr.io/v1alpha1'",
                error("kind: Resiliency\napiVersion: v1\n"));
        assertEquals(f + ":6:7: invalid YAML: mapping values are not allowed here",
                error(HEAD + "spec:\n  x: y: z\n"));
    }

    @Test
    void undefinedPoliciesNameTheTargetAndThePolicy() throws Exception {
        String f = dir.resolve("res.yaml").toString();
        String yaml = HEAD + """
                spec:
                  policies:
                    timeouts:
                      general: 5s
                    retries:
                      important: {}
                    circuitBreakers:
                      simpleCB: {}
                  targets:
                    apps:
                      appB:
                        timeout: general
                        retry: %s
                        circuitBreaker: %s
                """;
        assertEquals(f + ":17:16: spec.targets.apps.appB.retry: policy 'imprtant' is not defined in "
                + "spec.policies.retries", error(yaml.formatted("imprtant", "simpleCB")));
        assertEquals(f + ":18:25: spec.targets.apps.appB.circuitBreaker: policy 'nope' is not defined in "
                + "spec.policies.circuitBreakers", error(yaml.formatted("important", "nope")));
        assertEquals(f + ":16:18: spec.targets.apps.appB.timeout: policy 'general' is not defined in "
                + "spec.policies.timeouts", error(yaml.replace("      general: 5s\n", "      other: 5s\n")
                        .formatted("important", "simpleCB")));
    }

    @Test
    void unknownFieldsAreIgnoredWithADebugLine() throws Exception {
        Resiliency r = one(HEAD + """
                spec:
                  policies:
                    retries:
                      r:
                        initialInterval: 1s
                """);
        assertEquals(RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT), r.retries().get("r"));
        assertTrue(debug.stream().anyMatch(l -> l.endsWith("spec.policies.retries.r.initialInterval: not read by "
                + "h2splice, ignored")), debug.toString());
        assertNull(r.apps().get("x"));
    }
}
