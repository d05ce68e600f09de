package io.h2splice.cli.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configuration, found through {@code META-INF/services}: {@link LogSetup}'s default, and nothing
 * else, so logback never looks for {@code logback.xml} or loads its XML configurator (start-up stays fast). Public
 * only because {@link java.util.ServiceLoader} needs it so.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {

    public DefaultLogConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogSetup.configureDefault(context, System.err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
