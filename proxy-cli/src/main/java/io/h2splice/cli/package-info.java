/**
 * The {@code h2splice} command: {@link io.h2splice.cli.Main} (picocli) with {@code run}
 * ({@link io.h2splice.cli.run.RunCommand}), {@code list} and {@code stop} (here: the sidecars of the local registry,
 * as {@code dapr list} and {@code dapr stop}), {@code ca} ({@link io.h2splice.cli.ca.CaCommand}), {@code injector}
 * ({@link io.h2splice.cli.kube.InjectorCommand}) and {@code inject} ({@link io.h2splice.cli.kube.InjectCommand}).
 * {@code Main} is the only place that calls {@code System.exit}; a command reads its surroundings (environment, home,
 * output streams) through the {@link io.h2splice.cli.CliEnv} it is given, reports bad input as a one-line
 * {@link io.h2splice.cli.UsageException}, and ends with one of the {@link io.h2splice.cli.ExitCodes}.
 *
 * <p>Depends on the subcommands' packages (run, ca, kube) and on proxy-core's resolve (the local registry) and http
 * ({@code RuntimeVersion}). Those packages, and log, use {@code CliEnv}, {@code UsageException}, {@code ExitCodes}
 * and {@code Version} from here, so this package and the subcommands' depend on each other. Everything here runs on
 * the thread that calls {@code Main} (the JVM's main thread).
 */
package io.h2splice.cli;
