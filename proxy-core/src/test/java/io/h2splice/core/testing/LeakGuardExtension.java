package io.h2splice.core.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reported a leaked buffer during it. Auto-registered for every Jupiter test class
 * ({@code junit.jupiter.extensions.autodetection.enabled=true} and {@code META-INF/services}).
 *
 * <p>After the class (and its {@code @AfterAll} methods) ran, it forces a few GCs and polls Netty's detectors, then
 * throws with every report's access records when there is any. A leak recorded while an earlier class ran, but
 * surfaced only now, is reported here too and marked as such.
 */
public final class LeakGuardExtension implements BeforeAllCallback, AfterAllCallback {

    private static final int SWEEP_ROUNDS = 3;
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakGuardExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (LeakGuard.install()) {
            System.err.println("LeakGuard: installed late (no launcher session listener ran before "
                    + context.getDisplayName() + ")");
        }
        if (!LeakGuard.isActive()) {
            throw new AssertionError("LeakGuard is not active: a ByteBuf class was initialised before its leak "
                    + "detector factory was installed, so leaks would only be logged. Is "
                    + "META-INF/services/org.junit.platform.launcher.LauncherSessionListener on the test classpath?");
        }
        context.getStore(NS).put("before", LeakGuard.peek().size());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer before = context.getStore(NS).get("before", Integer.class);
        List<String> leaks = LeakGuard.sweep(SWEEP_ROUNDS);
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder()
                .append(leaks.size()).append(" Netty buffer leak(s) reported during or before ")
                .append(context.getDisplayName()).append(':');
        for (int i = 0; i < leaks.size(); i++) {
            sb.append("\n--- leak ").append(i + 1);
            if (before != null && i < before) {
                sb.append(" (recorded before this class started)");
            }
            sb.append(" ---\n").append(leaks.get(i));
        }
        throw new AssertionError(sb.toString());
    }
}
