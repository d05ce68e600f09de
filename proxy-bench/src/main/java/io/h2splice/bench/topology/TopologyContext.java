package io.h2splice.bench.topology;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What every topology needs: the running echo app's port, a scratch directory (configs, {@code H2SPLICE_HOME}),
 * where to put process logs, how to start h2splice, and the worker threads per proxy.
 */
public record TopologyContext(int appPort, Path workDir, Path logDir, H2spliceInstall h2splice, int workers) {

    public TopologyContext {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(h2splice, "h2splice");
    }
}
