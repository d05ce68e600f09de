/**
 * One running sidecar, {@link io.h2splice.core.runtime.Proxy}: it builds what the sidecar shares once (metrics, the
 * access list's holder, the two routers, the {@link io.h2splice.core.splice.SpliceEngine}), binds the API, internal,
 * HTTP and metrics listeners (and, when asked, the public health port), turns ready once the app's port accepts a
 * connection, and drains: listeners closed, GOAWAY on every connection, running calls given
 * {@code gracefulShutdown}, then pools and event loops closed ({@code docs/drain.md}). A port that cannot be bound
 * is a {@link io.h2splice.core.runtime.ProxyStartException} with one line a user can act on. proxy-cli's
 * {@code h2splice run} starts it.
 *
 * <p>The top of proxy-core: depends on acl, config, hop, http, inbound, listen, metrics, outbound, resiliency,
 * resolve, splice and trace, and no package of proxy-core depends on it. Threading: {@code start} and
 * {@code listenPublic} bind on the caller's thread and wait for it (never call them on an event loop); the proxy owns
 * two event-loop groups ({@code h2splice-accept}, one thread, and {@code h2splice-loop}, {@code workers} threads) and
 * drains on a thread of its own ({@code h2splice-drain}). {@code drain}, {@code drainAfter} and the readiness reads
 * are safe from any thread.
 */
package io.h2splice.core.runtime;
