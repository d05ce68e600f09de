package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates {@code <app-id>-dapr} Services through the Kubernetes API (fabric8), on one thread of its own
 * so that admission never waits for the API server. A failure is a warning; the next patched pod of the app tries
 * again. No owner reference is set: the Service outlives the pods (as the operator's outlives none of them but is
 * removed with the workload, which the injector never sees), so removing it is the user's job.
 */
final class KubernetesServices implements ServiceSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.kube");

    private final KubernetesClient client;
    private final ExecutorService thread;
    /** How long a Service just applied is taken as still there: the pods of one rollout make one call. */
    static final long REPEAT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record Applied(Service service, long atNanos) {
    }

    /** Confined to {@link #thread} (or the one caller of {@link #apply} in tests): the last applied per key. */
    private final Map<String, Applied> applied = new HashMap<>();

    KubernetesServices(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "h2splice-injector-services");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void submit(ObjectNode service) {
        try {
            thread.execute(() -> {
                try {
                    apply(service);
                } catch (RuntimeException e) {
                    LOG.warn("Service {} not created or updated: {}", service.path("metadata").path("name").asText(),
                            e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Service {} not created: the injector is stopping", service.path("metadata").path("name"));
        }
    }

    /**
     * Creates the Service, or updates the ports, selector, labels and annotations of the one that exists; does
     * nothing when the same Service was applied less than a minute ago. Runs on the calling thread.
     *
     * @return the Service as the API server has it, or null when skipped as a repeat
     * @throws KubernetesClientException when the API server refuses or cannot be reached
     */
    Service apply(ObjectNode tree) {
        Service wanted = client.getKubernetesSerialization().unmarshal(tree.toString(), Service.class);
        String ns = wanted.getMetadata().getNamespace();
        String name = wanted.getMetadata().getName();
        String key = ns + "/" + name;
        Applied last = applied.get(key);
        if (last != null && last.service.equals(wanted) && System.nanoTime() - last.atNanos < REPEAT_NANOS) {
            return null;
        }
        Service existing = client.services().inNamespace(ns).withName(name).get();
        if (existing == null) {
            try {
                Service created = client.services().inNamespace(ns).resource(wanted).create();
                LOG.info("Service {} created", key);
                remember(key, wanted);
                return created;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                existing = client.services().inNamespace(ns).withName(name).get(); // made meanwhile: update it
                if (existing == null) {
                    throw e;
                }
            }
        }
        if (covers(existing, wanted)) {
            remember(key, wanted);
            return existing;
        }
        existing.getSpec().setPorts(wanted.getSpec().getPorts());
        existing.getSpec().setSelector(wanted.getSpec().getSelector());
        ObjectMeta meta = existing.getMetadata();
        meta.setLabels(merged(meta.getLabels(), wanted.getMetadata().getLabels()));
        meta.setAnnotations(merged(meta.getAnnotations(), wanted.getMetadata().getAnnotations()));
        Service updated = client.services().inNamespace(ns).resource(existing).update();
        LOG.info("Service {} updated", key);
        remember(key, wanted);
        return updated;
    }

    private void remember(String key, Service wanted) {
        applied.put(key, new Applied(wanted, System.nanoTime()));
    }

    /** Whether {@code have} already has the wanted ports, selector, labels and annotations. */
    private static boolean covers(Service have, Service wanted) {
        return Objects.equals(have.getSpec().getPorts(), wanted.getSpec().getPorts())
                && Objects.equals(have.getSpec().getSelector(), wanted.getSpec().getSelector())
                && contains(have.getMetadata().getLabels(), wanted.getMetadata().getLabels())
                && contains(have.getMetadata().getAnnotations(), wanted.getMetadata().getAnnotations());
    }

    private static boolean contains(Map<String, String> have, Map<String, String> want) {
        return want == null || want.isEmpty() || have != null && have.entrySet().containsAll(want.entrySet());
    }

    private static Map<String, String> merged(Map<String, String> have, Map<String, String> want) {
        Map<String, String> out = new LinkedHashMap<>(have == null ? Map.of() : have);
        if (want != null) {
            out.putAll(want);
        }
        return out;
    }

    /** Stops the thread, letting a running call end for up to five seconds, and closes the client. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
