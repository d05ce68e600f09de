package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SidecarTest {

    @Test
    void wildcardBindIsRegisteredAsLoopback() {
        assertEquals("127.0.0.1", Sidecar.dialable("0.0.0.0"));
        assertEquals("::1", Sidecar.dialable("::"));
        assertEquals("10.1.2.3", Sidecar.dialable("10.1.2.3"));
        assertEquals("localhost", Sidecar.dialable("localhost"));
    }

    @Test
    void startFailureReasonIsTheOsMessage() {
        assertEquals("No such file or directory", Sidecar.reason(
                new IOException("Cannot run program \"x\": error=2, No such file or directory")));
        assertEquals("Permission denied", Sidecar.reason(
                new IOException("Cannot run program \"./a\" (in directory \"/t\"): error=13, Permission denied")));
        assertEquals("something else", Sidecar.reason(new IOException("something else")));
    }
}
