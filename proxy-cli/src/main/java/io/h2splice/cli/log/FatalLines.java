package io.h2splice.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * {@code --log-level fatal}: the root level is off, and this lets the lines marked {@link LogSetup#FATAL} through.
 * Installed only for that level (a turbo filter is asked on every logging call).
 */
final class FatalLines extends TurboFilter {

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return marker != null && marker.contains(LogSetup.FATAL) ? FilterReply.ACCEPT : FilterReply.NEUTRAL;
    }
}
