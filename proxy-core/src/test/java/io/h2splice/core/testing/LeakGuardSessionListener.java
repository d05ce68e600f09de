package io.h2splice.core.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Installs {@link LeakGuard} when the JUnit launcher session opens, before any test class (and so any
 * {@code ByteBuf} class) is loaded. Registered in {@code META-INF/services}. Must not touch a {@code ByteBuf} type.
 *
 * <p>When the outermost session closes, reports that surfaced after the last test class are printed: nothing can
 * fail at that point, so they are made loud instead.
 */
public final class LeakGuardSessionListener implements LauncherSessionListener {

    private static final AtomicInteger OPEN_SESSIONS = new AtomicInteger();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        OPEN_SESSIONS.incrementAndGet();
        LeakGuard.install();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (OPEN_SESSIONS.decrementAndGet() > 0) {
            return; // a nested launcher (LeakGuardTest): the enclosing class's extension still checks
        }
        List<String> late = LeakGuard.peek();
        if (!late.isEmpty()) {
            System.err.println("LeakGuard: " + late.size() + " leak report(s) after the last test class:");
            late.forEach(System.err::println);
        }
    }
}
