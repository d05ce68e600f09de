package io.h2splice.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** Proves the leak guard is installed and fails a class that leaks, by running {@link LeakingFixture} nested. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeakGuardTest {

    @Test
    void detectorForEveryByteBufIsTheRecordingOne() {
        assertTrue(LeakGuard.isActive(), "AbstractByteBuf.leakDetector is not LeakGuard's: installed too late");
    }

    @Test
    void releasedBuffersAreNotReported() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(1);
        assertTrue(buf.release());
        assertEquals(0, buf.refCnt());
        assertEquals(java.util.List.of(), LeakGuard.sweep(2), "a released buffer was reported as a leak");
    }

    @Test
    void aClassThatLeaksABufferFails() {
        String marker = "deliberate leak in LeakingFixture " + System.nanoTime();
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        LeakingFixture.marker = marker;
        try {
            LauncherDiscoveryRequest request = request().selectors(selectClass(LeakingFixture.class)).build();
            LauncherFactory.create().execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    results.put(id.getDisplayName(), result);
                }
            });
        } finally {
            LeakingFixture.marker = null;
        }

        TestExecutionResult method = results.get("leaksOneBuffer()");
        assertNotNull(method, "the fixture's test did not run; results: " + results);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, method.getStatus(),
                "the fixture's test method itself should pass; the leak fails its class: " + method);

        TestExecutionResult container = results.get("LeakingFixture");
        assertNotNull(container, "no result for the fixture class; results: " + results);
        assertEquals(TestExecutionResult.Status.FAILED, container.getStatus(),
                "LeakGuardExtension did not fail the class that leaked a buffer");
        Throwable failure = container.getThrowable().orElseThrow();
        assertTrue(failure instanceof AssertionError, "expected an AssertionError, got " + failure);
        String message = String.valueOf(failure.getMessage());
        assertTrue(message.contains("LEAK: ByteBuf.release() was not called"),
                "the failure should carry Netty's leak report, got: " + message);
        assertTrue(message.contains(marker), "the failure should show the leaked buffer's access records "
                + "(its touch hint '" + marker + "'), got: " + message);
        assertTrue(message.contains("LeakingFixture.leak"),
                "the failure should show where the buffer was created, got: " + message);
        assertEquals(java.util.List.of(), LeakGuard.peek(), "the fixture's leak should have been consumed");
    }
}
