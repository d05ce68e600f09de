package io.h2splice.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NettyDefaultsTest {

    private static final List<String> KEYS = List.of(NettyDefaults.LOW_MEMORY, NettyDefaults.LEAK_SAMPLING);
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String k : KEYS) {
            saved.put(k, System.getProperty(k));
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        for (String k : KEYS) {
            if (saved.get(k) == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, saved.get(k));
            }
        }
    }

    @Test
    void theAllocatorIsNotTreatedAsShortOfMemory() {
        NettyDefaults.apply();
        assertEquals("false", System.getProperty(NettyDefaults.LOW_MEMORY));
    }

    @Test
    void theLeakDetectorSamplesOneBufferIn1024() {
        NettyDefaults.apply();
        assertEquals("1024", System.getProperty(NettyDefaults.LEAK_SAMPLING));
    }

    @Test
    void aValueTheUserSetIsKept() {
        System.setProperty(NettyDefaults.LOW_MEMORY, "true");
        System.setProperty(NettyDefaults.LEAK_SAMPLING, "1");
        NettyDefaults.apply();
        assertEquals("true", System.getProperty(NettyDefaults.LOW_MEMORY));
        assertEquals("1", System.getProperty(NettyDefaults.LEAK_SAMPLING));
    }
}
