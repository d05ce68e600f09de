/**
 * Dapr's service-invocation access lists ({@code spec.accessControl}), enforced on the callee's sidecar.
 *
 * <p>Starting points: {@link io.h2splice.core.acl.AccessList#compile} turns the configuration into a structure
 * that answers {@link io.h2splice.core.acl.AccessList#decide} without allocating;
 * {@link io.h2splice.core.acl.AccessListHolder} holds the current list (swapped atomically on reload) and the
 * {@code dapr_runtime_acl_*} counters; {@link io.h2splice.core.acl.MethodPaths#isCanonical} refuses crafted method
 * paths before any rule sees them.
 */
package io.h2splice.core.acl;
