/**
 * The engine both stacks run on. Each call is a {@code Call}: a stream of a connection accepted on the API or the
 * internal listener ({@code DownstreamHandler}), joined by each of its {@code Attempt}s to a stream of a pooled
 * connection to another sidecar or to the app ({@code UpstreamHandler}). Frames are forwarded as they come, DATA as the retained inbound buffer; a
 * stream's flow-control credit goes back to its sender only once the other side has written the bytes
 * ({@code HeldBytesFlowController}), and what peers make a loop hold is charged to its {@code MemoryBudget}
 * ({@code docs/flow-control.md}, {@code docs/memory.md}). Starting points:
 * {@link io.h2splice.core.splice.SpliceEngine}, the one public class (the two listeners' pipelines and each event
 * loop's {@code LoopState}); {@code HandlerBuilder} (Netty's limits, set deliberately); {@code Call} with
 * {@code Attempt} (one try: one upstream stream), {@code PolicyRun} (the call's run under a resiliency policy: whether
 * an attempt is retried) and {@code RequestLog} (what a replay or a retry needs);
 * {@code CallEnd} (where a finished call is recorded).
 *
 * <p>Depends on config, config.resiliency, headers, hop, listen, log, metrics, pool, resiliency, resolve, routing,
 * status and trace; never on the stacks (outbound, inbound, acl): the runtime hands {@code SpliceEngine} its two
 * {@link io.h2splice.core.routing.Router}s. Confined to event loops, no locks: a call's downstream and upstream
 * connections are on the same loop, everything a call touches here runs on it, and the resolver's answers are brought
 * back to it. {@code SpliceEngine} is built on the thread that starts the sidecar; {@code closePools} hands each
 * loop's pools to that loop.
 */
package io.h2splice.core.splice;
