package io.h2splice.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NettyDefaultsTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(NettyDefaults.LOW_MEMORY);
        System.clearProperty(NettyDefaults.LOW_MEMORY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(NettyDefaults.LOW_MEMORY);
        } else {
            System.setProperty(NettyDefaults.LOW_MEMORY, saved);
        }
    }

    @Test
    void theAllocatorIsNotTreatedAsShortOfMemory() {
        NettyDefaults.apply();
        assertEquals("false", System.getProperty(NettyDefaults.LOW_MEMORY));
    }

    @Test
    void aValueTheUserSetIsKept() {
        System.setProperty(NettyDefaults.LOW_MEMORY, "true");
        NettyDefaults.apply();
        assertEquals("true", System.getProperty(NettyDefaults.LOW_MEMORY));
    }
}
