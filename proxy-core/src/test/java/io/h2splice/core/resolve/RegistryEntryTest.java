package io.h2splice.core.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class RegistryEntryTest {

    @Test
    void roundTripsThroughProperties() {
        RegistryEntry e = new RegistryEntry("server", "prod", 42, 41, "127.0.0.1", 50002, 50001, 3500, 9090, 8080, 43,
                "python3 app.py --name 'x y' é", 1_700_000_000_000L);
        Properties p = RegistryCodec.encode(e);
        assertEquals(e, RegistryCodec.decode(p));
        assertEquals("server-42.properties", e.fileName());
    }

    @Test
    void rejectsNamesThatAreNotSafeFileNames() {
        for (String bad : new String[] {"", "a.b", "a/b", "..", "a\\b", "a b", "a\nb"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RegistryEntry.requireValidName(bad, "--app-id"));
            assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        }
        assertEquals("my-app_1", RegistryEntry.requireValidName("my-app_1", "--app-id"));
    }

    @Test
    void rejectsBadNumbers() {
        assertThrows(IllegalArgumentException.class, () -> new RegistryEntry("a", "default", 0, 1, "127.0.0.1",
                50002, 50001, 3500, 9090, 0, 0, "", 1));
        assertThrows(IllegalArgumentException.class, () -> new RegistryEntry("a", "default", 1, 1, "127.0.0.1",
                0, 50001, 3500, 9090, 0, 0, "", 1));
        assertThrows(IllegalArgumentException.class, () -> new RegistryEntry("a", "default", 1, 1, "127.0.0.1",
                50002, 50001, 3500, 9090, 70000, 0, "", 1));
    }

    @Test
    void decodeNamesTheMissingOrBadKey() {
        Properties p = RegistryCodec.encode(RegistryEntries.self("a", 50002));
        p.remove("grpcPort");
        assertEquals("missing key 'grpcPort'",
                assertThrows(IllegalArgumentException.class, () -> RegistryCodec.decode(p)).getMessage());
        p.setProperty("grpcPort", "x1");
        assertEquals("key 'grpcPort' is not a number: 'x1'",
                assertThrows(IllegalArgumentException.class, () -> RegistryCodec.decode(p)).getMessage());
        p.setProperty("format", "9");
        assertThrows(IllegalArgumentException.class, () -> RegistryCodec.decode(p));
    }

    /** Found by RegistryCodecFuzzTest: a value holding a line break (written \n in the file) made a two-line message. */
    @Test
    void aLineBreakInAValueIsNotCopiedIntoTheMessage() {
        Properties p = RegistryCodec.encode(RegistryEntries.self("a", 50002));
        p.setProperty("cliPid", "4241\ninternalHost=x");
        assertEquals("key 'cliPid' is not a number: '4241?internalHost=x'",
                assertThrows(IllegalArgumentException.class, () -> RegistryCodec.decode(p)).getMessage());
        p.setProperty("format", "1\r\n2");
        assertEquals("unknown format '1??2' (expected 1)",
                assertThrows(IllegalArgumentException.class, () -> RegistryCodec.decode(p)).getMessage());
    }
}
