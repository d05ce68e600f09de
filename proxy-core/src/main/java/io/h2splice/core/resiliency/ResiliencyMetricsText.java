package io.h2splice.core.resiliency;

import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.metrics.PrometheusText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dapr's resiliency families ({@code dapr/dapr: pkg/diagnostics/resiliency_monitoring.go}) in the Prometheus text
 * format, with Dapr's names, label names and label values:
 * <ul>
 *   <li>{@code dapr_resiliency_loaded{app_id,name,namespace}} (counter): resources loaded, by {@code metadata.name};</li>
 *   <li>{@code dapr_resiliency_count{app_id,name,policy,namespace,flow_direction,target,status}} (counter): calls
 *       started under a policy part;</li>
 *   <li>{@code dapr_resiliency_activations_total{…same…}} (counter): timeouts fired and retries made
 *       ({@code status=""}), breaker state changes ({@code status} = the new state);</li>
 *   <li>{@code dapr_resiliency_cb_state{…same…}} (gauge): per target, how many of its breakers are in each of
 *       Dapr's four states.</li>
 * </ul>
 * {@code policy} is {@code timeout}, {@code retry} or {@code circuitbreaker}; {@code flow_direction} is always
 * {@code outbound} and {@code target} is {@code app_<raw dapr-app-id>} ({@code ResiliencyAppTarget}), as Dapr labels
 * service invocation; {@code name} is the resource the part came from; {@code namespace} is the sidecar's.
 *
 * <p>Where Dapr differs: Dapr's {@code name}/{@code namespace} on the per-call families are those of the resource it
 * decoded last, whichever resource defined the policy; Dapr's {@code count} for a breaker carries the breaker's state
 * as {@code status}, here it is empty as for the other parts (the call path reports no state); and Dapr's
 * {@code cb_state} is 1 for the state of the breaker used last for the target and 0 for the others, while here each
 * series counts that target's breakers (one per method) in that state, which is the same 0/1 while a target has one
 * breaker. States are as last recorded ({@link CircuitBreaker#state()}): an open breaker whose timeout has passed
 * reads {@code open} until its next call moves it to half-open.
 *
 * <p>Families appear once they have a sample, as with Dapr's exporter; with no resource loaded nothing is rendered.
 * Threading: reads counters and breaker states; safe from any thread, consistent per sample only.
 */
public final class ResiliencyMetricsText {

    static final String LOADED = "dapr_resiliency_loaded";
    static final String COUNT = "dapr_resiliency_count";
    static final String ACTIVATIONS = "dapr_resiliency_activations_total";
    static final String CB_STATE = "dapr_resiliency_cb_state";
    /** Dapr's {@code OutboundPolicyFlowDirection}: service invocation policies run on the caller's side. */
    static final String OUTBOUND = "outbound";
    /** Dapr's fourth breaker status, which h2splice's breakers never are in: always 0. */
    static final String UNKNOWN = "unknown";

    private static final Comparator<CallPolicy> BY_TARGET = Comparator.comparing(CallPolicy::target);

    private ResiliencyMetricsText() {
    }

    /**
     * @param appId     this sidecar's app id ({@code app_id})
     * @param namespace this sidecar's namespace ({@code namespace})
     * @return the families, or {@code ""} when no resource is loaded
     */
    public static String render(ResiliencyPolicies policies, String appId, String namespace) {
        if (!policies.isActive()) {
            return "";
        }
        StringBuilder out = new StringBuilder(512);
        loaded(out, policies.resources(), appId, namespace);
        List<CallPolicy> targets = new ArrayList<>(policies.policiesInUse());
        targets.sort(BY_TARGET);
        count(out, targets, appId, namespace);
        activations(out, targets, appId, namespace);
        breakerStates(out, targets, appId, namespace);
        return out.toString();
    }

    private static void loaded(StringBuilder out, List<Resiliency> resources, String appId, String namespace) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (Resiliency r : resources) {
            byName.merge(r.name(), 1, Integer::sum); // Dapr counts each resource it loads, names repeated or not
        }
        PrometheusText.header(out, LOADED, "counter", "Resiliency resources loaded, by metadata.name.");
        for (Map.Entry<String, Integer> e : byName.entrySet()) {
            out.append(LOADED).append('{');
            PrometheusText.labels(out, "app_id", appId, "name", e.getKey(), "namespace", namespace);
            out.append("} ").append(e.getValue()).append('\n');
        }
    }

    private static void count(StringBuilder out, List<CallPolicy> targets, String appId, String namespace) {
        Family f = new Family(out, COUNT, "counter", "Calls started under a resiliency policy, by target and policy.");
        for (CallPolicy p : targets) {
            for (CallPolicy.Kind kind : CallPolicy.Kind.values()) {
                if (p.resource(kind) != null) {
                    f.sample(p.executedCount(kind), appId, p.resource(kind), kind, namespace, p.target(), "");
                }
            }
        }
    }

    private static void activations(StringBuilder out, List<CallPolicy> targets, String appId, String namespace) {
        Family f = new Family(out, ACTIVATIONS, "counter",
                "Resiliency policies acting: timeouts fired, retries made, circuit breaker state changes (status: "
                        + "the new state).");
        for (CallPolicy p : targets) {
            for (CallPolicy.Kind kind : new CallPolicy.Kind[] {CallPolicy.Kind.TIMEOUT, CallPolicy.Kind.RETRY}) {
                if (p.resource(kind) != null) {
                    f.sample(p.activatedCount(kind), appId, p.resource(kind), kind, namespace, p.target(), "");
                }
            }
            String breaker = p.resource(CallPolicy.Kind.CIRCUIT_BREAKER);
            if (breaker != null) {
                for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
                    f.sample(p.breakerChangeCount(s), appId, breaker, CallPolicy.Kind.CIRCUIT_BREAKER, namespace,
                            p.target(), s.label());
                }
            }
        }
    }

    private static void breakerStates(StringBuilder out, List<CallPolicy> targets, String appId, String namespace) {
        boolean header = false;
        CircuitBreaker.State[] states = CircuitBreaker.State.values();
        for (CallPolicy p : targets) {
            String resource = p.resource(CallPolicy.Kind.CIRCUIT_BREAKER);
            CircuitBreakers breakers = p.breakers();
            if (resource == null || breakers == null) {
                continue;
            }
            long[] inState = new long[states.length];
            breakers.forEach(b -> inState[b.state().ordinal()]++);
            long all = 0;
            for (long n : inState) {
                all += n;
            }
            if (all == 0) {
                continue; // no call made yet: no breaker, as Dapr has no sample before the first call
            }
            if (!header) {
                PrometheusText.header(out, CB_STATE, "gauge",
                        "Circuit breakers of a target in each state (closed, half-open, open, unknown).");
                header = true;
            }
            for (CircuitBreaker.State s : states) {
                sample(out, CB_STATE, inState[s.ordinal()], appId, resource, CallPolicy.Kind.CIRCUIT_BREAKER,
                        namespace, p.target(), s.label());
            }
            sample(out, CB_STATE, 0, appId, resource, CallPolicy.Kind.CIRCUIT_BREAKER, namespace, p.target(), UNKNOWN);
        }
    }

    /** One sample with Dapr's seven labels, in the order of Dapr's view. */
    private static void sample(StringBuilder out, String family, long value, String appId, String name,
            CallPolicy.Kind kind, String namespace, String target, String status) {
        out.append(family).append('{');
        PrometheusText.labels(out, "app_id", appId, "name", name, "policy", kind.label, "namespace", namespace,
                "flow_direction", OUTBOUND, "target", "app_" + target, "status", status);
        out.append("} ").append(value).append('\n');
    }

    /** A counter family whose HELP and TYPE are written before its first non-zero sample; zeros are left out. */
    private static final class Family {
        private final StringBuilder out;
        private final String name;
        private final String type;
        private final String help;
        private boolean started;

        Family(StringBuilder out, String name, String type, String help) {
            this.out = out;
            this.name = name;
            this.type = type;
            this.help = help;
        }

        void sample(long value, String appId, String resource, CallPolicy.Kind kind, String namespace, String target,
                String status) {
            if (value == 0) {
                return;
            }
            if (!started) {
                PrometheusText.header(out, name, type, help);
                started = true;
            }
            ResiliencyMetricsText.sample(out, name, value, appId, resource, kind, namespace, target, status);
        }
    }
}
