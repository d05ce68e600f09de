package io.h2splice.core.runtime;

import io.h2splice.core.acl.AccessList;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.hop.TransportSecurity;
import io.h2splice.core.metrics.MetricsSettings;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import io.h2splice.core.resolve.NameResolver;
import io.h2splice.core.trace.CallTracer;

import java.util.Objects;

/**
 * What a sidecar is started with, besides its {@link ProxyConfig} and {@link NameResolver}: each part has a default
 * (plaintext hops, no tracing, Dapr's default metric settings, no access list, no resiliency policy) and a setter;
 * {@link #start()} binds the listeners. Made and used by one thread, once.
 *
 * <pre>{@code
 * Proxy p = Proxy.builder(config, resolver).security(mtls).tracer(tracer).accessList(list).start();
 * }</pre>
 */
public final class ProxyBuilder {

    final ProxyConfig config;
    final NameResolver resolver;
    TransportSecurity security = TransportSecurity.PLAINTEXT;
    CallTracer tracer = CallTracer.OFF;
    MetricsSettings metricsSettings = MetricsSettings.defaults();
    AccessList accessList = AccessList.NONE;
    ResiliencyPolicies resiliency = ResiliencyPolicies.NONE;

    ProxyBuilder(ProxyConfig config, NameResolver resolver) {
        this.config = Objects.requireNonNull(config, "config");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The transport security of the sidecar-to-sidecar and sidecar-to-app hops. */
    public ProxyBuilder security(TransportSecurity security) {
        this.security = Objects.requireNonNull(security, "security");
        return this;
    }

    /** Decides and starts each call's span. */
    public ProxyBuilder tracer(CallTracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        return this;
    }

    /** {@code spec.metric} of Dapr's Configuration. */
    public ProxyBuilder metricsSettings(MetricsSettings metricsSettings) {
        this.metricsSettings = Objects.requireNonNull(metricsSettings, "metricsSettings");
        return this;
    }

    /** The access list the internal listener enforces from the first call on ({@link Proxy#accessLists()} swaps it). */
    public ProxyBuilder accessList(AccessList accessList) {
        this.accessList = Objects.requireNonNull(accessList, "accessList");
        return this;
    }

    /** Dapr's Resiliency policies, applied to calls to other apps. */
    public ProxyBuilder resiliency(ResiliencyPolicies resiliency) {
        this.resiliency = Objects.requireNonNull(resiliency, "resiliency");
        return this;
    }

    /** Binds every listener; a port that cannot be bound is a {@link ProxyStartException} with a one-line message. */
    public Proxy start() throws ProxyStartException {
        return Proxy.start(this);
    }
}
