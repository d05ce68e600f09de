package io.h2splice.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A test class that leaks one buffer on purpose, for {@link LeakGuardTest} only. Its name keeps it out of surefire's
 * default includes, and it does nothing unless {@link #marker} was set by the test that runs it in a nested launcher.
 */
class LeakingFixture {

    /** Set by {@link LeakGuardTest}; the hint recorded on the leaked buffer, so the report can be recognised. */
    static volatile String marker;

    @Test
    void leaksOneBuffer() {
        String hint = marker;
        assumeTrue(hint != null, "only runs inside LeakGuardTest");
        leak(hint);
    }

    private static void leak(String hint) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
        buf.touch(hint);
        // Deliberately not released: the reference dies with this frame.
    }
}
