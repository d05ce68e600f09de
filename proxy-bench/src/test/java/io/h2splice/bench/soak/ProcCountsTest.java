package io.h2splice.bench.soak;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcCountsTest {

    @Test
    void threadsLineOfStatus() {
        String status = "Name:\tjava\nState:\tS (sleeping)\nVmRSS:\t  101236 kB\nThreads:\t23\nSigQ:\t0/95648\n";
        assertEquals(23, ProcCounts.threads(status));
        assertEquals(-1, ProcCounts.threads("Name:\tzombie\n"));
    }
}
