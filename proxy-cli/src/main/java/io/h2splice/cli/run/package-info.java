/**
 * {@code h2splice run}, {@code dapr run}'s counterpart. {@link io.h2splice.cli.run.RunCommand} takes the flags;
 * {@code RunSettings} validates them, with the environment and the {@code --config} and {@code --resources-path}
 * files, into proxy-core's records ({@code ResolverSettings}, {@code TlsSettings} and {@code TracingSetup} for their
 * parts); {@code Sidecar} runs one sidecar: its TLS ({@code TransportSetup}, over proxy-tls), the
 * {@link io.h2splice.core.runtime.Proxy}, the app ({@code AppProcess}, its output prefixed {@code == APP ==}), the
 * local registry entry {@code list} and {@code stop} read (not in Kubernetes mode), then, on the app's exit or a
 * signal, the stop: app, drain, entry removed. {@code ConfigReload} swaps the access list when {@code --config}
 * changes or on {@code SIGHUP}.
 *
 * <p>Depends on cli, cli.config and cli.log; on proxy-core's acl, config, config.resiliency, hop, metrics, resiliency,
 * resolve, runtime and trace; on proxy-tls's tls, tls.ca, tls.context and tls.identity. Threading: {@code Sidecar}
 * runs on the main thread, the only one that starts or stops things; signal handlers only complete a future; the
 * config reload runs on a daemon thread of its own, and the app's output is pumped by one thread per stream.
 */
package io.h2splice.cli.run;
