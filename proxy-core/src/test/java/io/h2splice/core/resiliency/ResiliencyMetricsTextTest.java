package io.h2splice.core.resiliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.config.resiliency.AppTarget;
import io.h2splice.core.config.resiliency.CircuitBreakerPolicy;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.config.resiliency.RetryPolicy;
import io.h2splice.core.testing.PrometheusServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResiliencyMetricsTextTest {

    private static final String LOADED_HEAD = """
            # HELP dapr_resiliency_loaded Resiliency resources loaded, by metadata.name.
            # TYPE dapr_resiliency_loaded counter
            """;

    /** Dapr's docs example, reduced: a timeout, a retry and a breaker (tripping at the first failure) for appB. */
    private static Resiliency docs(String name) {
        return new Resiliency(name, List.of(), Map.of("general", Duration.ofSeconds(5)),
                Map.of("important", RetryPolicy.defaults(RetryPolicy.Kind.CONSTANT)),
                Map.of("simpleCB", new CircuitBreakerPolicy(1, Duration.ZERO, Duration.ofSeconds(30),
                        "consecutiveFailures >= 1")),
                Map.of("appB", new AppTarget("general", "important", "simpleCB", 100)));
    }

    @Test
    void nothingWithoutResources() {
        assertEquals("", ResiliencyMetricsText.render(ResiliencyPolicies.NONE, "client", "default"));
        assertEquals("", ResiliencyMetricsText.render(new ResiliencyPolicies(List.of(), 1024), "client", "default"));
    }

    @Test
    void loadedCountsEachResourceByNameAndNothingElseBeforeTheFirstCall() {
        ResiliencyPolicies p = new ResiliencyPolicies(List.of(docs("myresiliency"), docs("other"),
                docs("myresiliency")), ResiliencyPolicies.DEFAULT_MAX_RETRY_BUFFER);
        p.forTarget("appB"); // routed, no call made yet
        assertEquals(LOADED_HEAD
                + "dapr_resiliency_loaded{app_id=\"client\",name=\"myresiliency\",namespace=\"default\"} 2\n"
                + "dapr_resiliency_loaded{app_id=\"client\",name=\"other\",namespace=\"default\"} 1\n",
                ResiliencyMetricsText.render(p, "client", "default"));
    }

    @Test
    void countsActivationsAndBreakerStatesWithDaprsLabels() {
        ResiliencyPolicies p = new ResiliencyPolicies(List.of(docs("myresiliency")), 1024);
        CallPolicy appB = p.forTarget("appB");
        appB.executed(CallPolicy.Kind.TIMEOUT);
        appB.executed(CallPolicy.Kind.TIMEOUT);
        appB.executed(CallPolicy.Kind.RETRY);
        appB.executed(CallPolicy.Kind.CIRCUIT_BREAKER);
        appB.activated(CallPolicy.Kind.TIMEOUT);
        appB.activated(CallPolicy.Kind.RETRY);
        appB.activated(CallPolicy.Kind.RETRY);
        appB.activated(CallPolicy.Kind.RETRY);
        CircuitBreaker a = appB.breaker("/pkg.Svc/A", 1);
        appB.breaker("/pkg.Svc/B", 2);
        a.onFailure(3, a.tryAcquire(3)); // trips: closed -> open, through the policy's listener
        String labels = "app_id=\"client\",name=\"myresiliency\",policy=\"%s\",namespace=\"prod\","
                + "flow_direction=\"outbound\",target=\"app_appB\",status=\"%s\"";
        assertEquals(LOADED_HEAD
                + "dapr_resiliency_loaded{app_id=\"client\",name=\"myresiliency\",namespace=\"prod\"} 1\n"
                + "# HELP dapr_resiliency_count Calls started under a resiliency policy, by target and policy.\n"
                + "# TYPE dapr_resiliency_count counter\n"
                + "dapr_resiliency_count{" + labels.formatted("timeout", "") + "} 2\n"
                + "dapr_resiliency_count{" + labels.formatted("retry", "") + "} 1\n"
                + "dapr_resiliency_count{" + labels.formatted("circuitbreaker", "") + "} 1\n"
                + "# HELP dapr_resiliency_activations_total Resiliency policies acting: timeouts fired, retries made, "
                + "circuit breaker state changes (status: the new state).\n"
                + "# TYPE dapr_resiliency_activations_total counter\n"
                + "dapr_resiliency_activations_total{" + labels.formatted("timeout", "") + "} 1\n"
                + "dapr_resiliency_activations_total{" + labels.formatted("retry", "") + "} 3\n"
                + "dapr_resiliency_activations_total{" + labels.formatted("circuitbreaker", "open") + "} 1\n"
                + "# HELP dapr_resiliency_cb_state Circuit breakers of a target in each state (closed, half-open, "
                + "open, unknown).\n"
                + "# TYPE dapr_resiliency_cb_state gauge\n"
                + "dapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "closed") + "} 1\n"
                + "dapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "half-open") + "} 0\n"
                + "dapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "open") + "} 1\n"
                + "dapr_resiliency_cb_state{" + labels.formatted("circuitbreaker", "unknown") + "} 0\n",
                ResiliencyMetricsText.render(p, "client", "prod"));
    }

    @Test
    void partsCarryTheResourceTheyCameFromAndTargetsAreSorted() {
        Resiliency defaults = new Resiliency("defaults", List.of(), Map.of(Resiliency.DEFAULT_TIMEOUT,
                Duration.ofSeconds(1)), Map.of(), Map.of(), Map.of());
        Resiliency retries = new Resiliency("retries", List.of(), Map.of(),
                Map.of(Resiliency.DEFAULT_APP_RETRY, RetryPolicy.defaults(RetryPolicy.Kind.EXPONENTIAL)), Map.of(),
                Map.of());
        ResiliencyPolicies p = new ResiliencyPolicies(List.of(defaults, retries), 1024);
        for (String target : List.of("zeta.prod", "alpha")) {
            CallPolicy c = p.forTarget(target);
            c.executed(CallPolicy.Kind.TIMEOUT);
            c.executed(CallPolicy.Kind.RETRY);
            c.executed(CallPolicy.Kind.CIRCUIT_BREAKER); // no breaker policy: no series
        }
        String text = ResiliencyMetricsText.render(p, "client", "default");
        String common = ",namespace=\"default\",flow_direction=\"outbound\",target=\"app_";
        String timeout = "dapr_resiliency_count{app_id=\"client\",name=\"defaults\",policy=\"timeout\"" + common;
        String retry = "dapr_resiliency_count{app_id=\"client\",name=\"retries\",policy=\"retry\"" + common;
        assertTrue(text.contains(timeout + "alpha\",status=\"\"} 1\n"
                + retry + "alpha\",status=\"\"} 1\n"
                + timeout + "zeta.prod\",status=\"\"} 1\n"
                + retry + "zeta.prod\",status=\"\"} 1\n"), text);
        assertTrue(!text.contains("circuitbreaker") && !text.contains("activations") && !text.contains("cb_state"),
                text);
    }

    @Test
    void labelValuesAreEscaped() {
        ResiliencyPolicies p = new ResiliencyPolicies(List.of(docs("we\"ird\\name\nx")), 1024);
        p.forTarget("appB").executed(CallPolicy.Kind.TIMEOUT);
        String text = ResiliencyMetricsText.render(p, "cli\"ent", "default");
        assertTrue(text.contains("dapr_resiliency_loaded{app_id=\"cli\\\"ent\",name=\"we\\\"ird\\\\name\\nx\","
                + "namespace=\"default\"} 1\n"), text);
        assertTrue(text.contains("dapr_resiliency_count{app_id=\"cli\\\"ent\",name=\"we\\\"ird\\\\name\\nx\","),
                text);
    }

    /** Dapr's two counters without {@code _total} are the only findings (accepted in DAPR_NAME_LINTS). */
    @Test
    void promtoolAcceptsTheFamilies() {
        PrometheusServer.assumeInstalled();
        ResiliencyPolicies p = new ResiliencyPolicies(List.of(docs("myresiliency")), 1024);
        CallPolicy appB = p.forTarget("appB");
        for (CallPolicy.Kind k : CallPolicy.Kind.values()) {
            appB.executed(k);
            appB.activated(k);
        }
        CircuitBreaker a = appB.breaker("/pkg.Svc/A", 1);
        a.onFailure(2, a.tryAcquire(2));
        PrometheusServer.checkMetrics(ResiliencyMetricsText.render(p, "client", "default"),
                PrometheusServer.DAPR_NAME_LINTS);
    }
}
