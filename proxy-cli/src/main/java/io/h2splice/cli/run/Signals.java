package io.h2splice.cli.run;

import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** SIGTERM, SIGINT and SIGHUP handling through {@code sun.misc.Signal} (module jdk.unsupported). */
final class Signals {

    private Signals() {
    }

    /**
     * Calls {@code handler} with {@code "SIGTERM"} or {@code "SIGINT"}, on a JVM signal thread, each time one arrives.
     * The JVM no longer exits on its own for these two signals. A signal the parent set to be ignored (SIGINT for a
     * background job of a non-interactive shell, as with {@code nohup}) stays ignored, as Unix programs do.
     *
     * @return false when SIGTERM could not be handled here (e.g. the JVM runs with {@code -Xrs})
     */
    static boolean install(Consumer<String> handler) {
        boolean term = handle("TERM", handler);
        handle("INT", handler);
        return term;
    }

    /**
     * Runs {@code onHangup} on a JVM signal thread each time {@code SIGHUP} arrives (instead of the JVM's exit).
     *
     * @return false when SIGHUP cannot be handled here: the JVM reserves it ({@code -Xrs}), or the parent set it to be
     *         ignored ({@code nohup}): HotSpot then leaves it ignored and installs nothing, without saying so
     */
    static boolean installHangup(Runnable onHangup) {
        return handle("HUP", name -> onHangup.run());
    }

    /** True when {@code handler} now receives the signal (a signal ignored from the start stays ignored). */
    private static boolean handle(String name, Consumer<String> handler) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), s -> handler.accept("SIG" + s.getName()));
            return previous != SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
