package io.h2splice.cli.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What every test of real {@code h2splice} processes shares: a fresh {@code H2SPLICE_HOME} per test, and the
 * processes it started ({@link Processes}), all stopped after the test whatever happened.
 */
abstract class ProcessTest {

    @TempDir
    Path home;

    Processes processes;

    @BeforeEach
    final void startTracking() {
        processes = new Processes(home);
    }

    @AfterEach
    final void stopEverything() throws InterruptedException {
        processes.close();
    }
}
