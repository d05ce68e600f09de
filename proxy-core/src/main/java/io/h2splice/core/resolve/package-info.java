/**
 * Where another app's sidecars are: a {@link io.h2splice.core.resolve.NameResolver} answers an app id and namespace
 * with the internal (sidecar-to-sidecar) addresses to dial. Three of them, one picked by proxy-cli at start:
 * {@link io.h2splice.core.resolve.StaticResolver} ({@code --resolver-file}, resolved when built),
 * {@link io.h2splice.core.resolve.LocalRegistryResolver} (self-hosted: the sidecars registered in the
 * {@link io.h2splice.core.resolve.LocalRegistry}, which {@code h2splice run} writes and {@code h2splice list} and
 * {@code stop} read) and {@link io.h2splice.core.resolve.KubernetesDnsResolver} (the addresses of a headless
 * Service, named by {@link io.h2splice.core.resolve.KubernetesNaming}, cached by their TTL). The splice asks the
 * resolver at each attempt of a call to another app.
 *
 * <p>Depends on no other h2splice package. {@code resolve} is called on an event loop and never blocks it: a known
 * name is answered with a completed future; file reads and DNS lookups run on the resolver's own thread
 * ({@code h2splice-registry-resolver}, {@code h2splice-dns}), where its futures complete, and the splice goes back to
 * its loop. {@code LocalRegistry} blocks on file I/O and is never called on an event loop. The public classes are
 * thread-safe.
 */
package io.h2splice.core.resolve;
