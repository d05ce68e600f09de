/**
 * What a hop's transport security is, shared by the packages that route, check and splice calls and by proxy-tls,
 * which implements it: {@link io.h2splice.core.hop.HopSecurity} (the handlers one kind of hop puts in front of HTTP/2,
 * and the verified peer it leaves on the channel), {@link io.h2splice.core.hop.TransportSecurity} (the pair a sidecar
 * uses: sidecar to sidecar, sidecar to app), {@link io.h2splice.core.hop.PeerIdentity} (a verified peer's app id and
 * namespace) and {@link io.h2splice.core.hop.HopEvent} (the pipeline events of a client-side handshake).
 *
 * <p>Depends on no other h2splice package, so that every package may depend on it (dependencies point one way:
 * runtime → splice and the routers → acl → routing → hop; the splice knows the routers only as routing's
 * {@code Router}). Immutable values and an interface; safe on any thread.
 */
package io.h2splice.core.hop;
