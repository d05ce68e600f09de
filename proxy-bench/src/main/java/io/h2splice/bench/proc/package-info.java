/**
 * CPU time and resident memory of processes, from Linux's {@code /proc}.
 *
 * <p>Starting points: {@link io.h2splice.bench.proc.ProcFiles} (the parsers), {@link io.h2splice.bench.proc.Sampler}.
 */
package io.h2splice.bench.proc;
