package io.h2splice.cli.run;

import java.util.function.Consumer;
import sun.misc.Signal;

/** SIGTERM and SIGINT handling through {@code sun.misc.Signal} (module jdk.unsupported). */
final class Signals {

    private Signals() {
    }

    /**
     * Calls {@code handler} with {@code "SIGTERM"} or {@code "SIGINT"}, on a JVM signal thread, each time one arrives.
     * The JVM no longer exits on its own for these two signals.
     *
     * @return false when a signal could not be handled here (e.g. the JVM runs with {@code -Xrs})
     */
    static boolean install(Consumer<String> handler) {
        boolean all = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> handler.accept("SIG" + s.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                all = false;
            }
        }
        return all;
    }
}
