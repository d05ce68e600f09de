package io.h2splice.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2splice.core.resolve.AppKey;
import io.h2splice.core.resolve.StaticResolver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResolverFileTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("apps.yaml"), yaml);
    }

    @Test
    void readsAppsNamespacesAndAddresses() throws Exception {
        Path f = write("""
                # static resolution
                apps:
                  - appId: server
                    addresses: ["127.0.0.1:50002", "[::1]:50012"]
                  - appId: server
                    namespace: prod
                    addresses:
                      - 127.0.0.2:50002
                  - {appId: 42, addresses: [localhost:7]}
                """);
        StaticResolver r = ResolverFile.read(f);
        assertEquals(Map.of(
                new AppKey("server", "default"), List.of(new InetSocketAddress("127.0.0.1", 50002),
                        new InetSocketAddress("::1", 50012)),
                new AppKey("server", "prod"), List.of(new InetSocketAddress("127.0.0.2", 50002)),
                new AppKey("42", "default"), List.of(new InetSocketAddress("localhost", 7))), r.addresses());
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", 50002)), r.resolve("server", "prod").join());
    }

    /** Found by ResolverFileFuzzTest: a key holding a line break made the message two lines. */
    @Test
    void aLineBreakInAKeyIsEscapedInTheMessage() throws Exception {
        Path f = write("apps:\n  - {\"app\\nId\\t\": a}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ResolverFile.read(f));
        assertEquals(f + ":2:6: apps[0].app\\nId\\t: unknown field (expected appId, namespace or addresses)",
                e.getMessage());
    }

    @Test
    void emptyListIsAllowed() throws Exception {
        assertEquals(Map.of(), ResolverFile.read(write("apps: []\n")).addresses());
    }

    /** Each error: one line, the file, line:column, the field path and the problem. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                                                   | : the file is empty; expected 'apps:'",
        "apps:\\n  - appId: a\\n    adresses: [\"1.2.3.4:1\"]     | :3:5: apps[0].adresses: unknown field (expected appId, namespace or addresses)",
        "apps:\\n  - appId: a\\n    addresses: [\"1.2.3.4\"]      | :3:17: apps[0].addresses[0]: '1.2.3.4' must be host:port",
        "apps:\\n  - appId: a\\n    addresses: [\"1.2.3.4:x\"]    | :3:17: apps[0].addresses[0]: '1.2.3.4:x': port 'x' is not a number",
        "apps:\\n  - appId: a\\n    addresses: [\"::1:80\"]       | :3:17: apps[0].addresses[0]: '::1:80': write an IPv6 address in brackets, e.g. [::1]:50002",
        "apps:\\n  - appId: a\\n    addresses: [\"h:0\"]          | :3:17: apps[0].addresses[0]: 'h:0': port must be in 1..65535",
        "apps:\\n  - appId: a\\n    addresses: [\"no-such-host.invalid:1\"] | :3:17: apps[0].addresses[0]: 'no-such-host.invalid:1': cannot resolve host 'no-such-host.invalid'",
        "apps:\\n  - appId: a\\n    addresses: []                | :3:17: apps[0].addresses: at least one address is required",
        "apps:\\n  - appId: a.b\\n    addresses: [\"h:1\"]        | :2:12: apps[0].appId: app id 'a.b' must not contain a dot (use app.namespace only when calling another app)",
        "apps:\\n  - appId:\\n    addresses: [\"h:1\"]            | :2:11: apps[0].appId: must not be empty",
        "apps:\\n  - appId: [a]\\n                              | :2:12: apps[0].appId: expected a single value, not a list",
        "apps:\\n  - addresses: [\"127.0.0.1:1\"]                 | :2:5: apps[0]: missing 'appId'",
        "apps:\\n  - appId: a                                     | :2:5: apps[0]: missing 'addresses'",
        "apps:\\n  - {appId: a, addresses: [\"127.0.0.1:1\"]}\\n  - {appId: a, addresses: [\"127.0.0.1:2\"]} | :3:5: apps[1]: app 'a' in namespace 'default' is already listed at apps[0]",
        "apps: {appId: a}                                       | :1:7: apps: expected a list of apps",
        "apps:\\n  - just-a-string                               | :2:5: apps[0]: expected a mapping with appId, namespace and addresses",
        "services: []                                           | :1:1: services: unknown field (expected 'apps')",
        "- apps                                                 | :1:1: expected a mapping with 'apps:'",
        "other: 1\\n                                            | :1:1: other: unknown field (expected 'apps')",
        "{}                                                     | : missing 'apps:'",
        "apps: [\\n  - a: b                                      | :2:3: invalid YAML: expected the node content, but found '-'",
        "apps:\\n\t- appId: x                                   | :2:1: invalid YAML: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)",
    })
    void errorsNameFileLineAndField(String yaml, String expected) throws IOException {
        Path f = write(yaml.replace("\\n", "\n").strip() + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ResolverFile.read(f));
        String m = e.getMessage();
        assertEquals(-1, m.indexOf('\n'), "one line: " + m);
        String want = f + expected;
        if (expected.equals(": missing 'apps:'")) {
            org.junit.jupiter.api.Assertions.assertTrue(m.startsWith(f + ":") && m.contains(expected.substring(2)), m);
        } else {
            assertEquals(want, m);
        }
    }

    @Test
    void missingFileNamesIt() {
        Path f = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ResolverFile.read(f));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(f + ": cannot read: "), e.getMessage());
    }
}
