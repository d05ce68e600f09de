package io.h2splice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2splice.core.resolve.RegistryEntry;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarTableTest {

    @Test
    void ageLikeDaprList() {
        assertEquals("0s", SidecarTable.age(-5));
        assertEquals("59s", SidecarTable.age(59_999));
        assertEquals("1m", SidecarTable.age(60_000));
        assertEquals("59m", SidecarTable.age(3_599_000));
        assertEquals("1h", SidecarTable.age(3_600_000));
        assertEquals("2d", SidecarTable.age(2 * 86_400_000L + 5));
    }

    @Test
    void tableAlignsColumns() {
        RegistryEntry a = new RegistryEntry("a", "default", 7, 7, "127.0.0.1", 1002, 1001, -1, 1004, 0, 0, "",
                1_700_000_000_000L);
        String t = SidecarTable.render(List.of(a), 1_700_000_090_000L, ZoneOffset.UTC);
        assertEquals("APP ID  HTTP PORT  GRPC PORT  APP PORT  COMMAND  AGE  CREATED              PID\n"
                + "a       -          1001       0                  1m   2023-11-14 22:13.20  7\n", t);
    }
}
