package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.resolve.KubernetesDnsResolver;
import io.h2splice.core.resolve.LocalRegistryResolver;
import io.h2splice.core.resolve.NameResolver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --mode}, the Kubernetes name resolution flags and {@code spec.nameResolution}. */
class ResolverSettingsTest {

    @TempDir
    Path dir;

    private record Parsed(RunSettings run, ResolverSettings resolution) {
    }

    private static Parsed parse(Map<String, String> vars, String... args) {
        CliEnv env = new CliEnv(vars, Path.of("/home/someone"), System.out, System.err);
        CommandLine cl = RunCommand.commandLine(env);
        cl.parseArgs(args);
        RunCommand f = cl.getCommand();
        RunSettings s = RunSettings.from(f, env);
        return new Parsed(s, ResolverSettings.from(f, s.dapr().nameResolution()));
    }

    private static Parsed parse(String... args) {
        return parse(Map.of(), args);
    }

    private static String host(Parsed p, String appId, String namespace) {
        return p.resolution().kubernetes().target(appId, namespace, p.run().config().internalPort()).host();
    }

    private Path config(String nameResolution) throws IOException {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: appconfig
                spec:
                  nameResolution:
                """ + nameResolution.indent(4));
        return f;
    }

    @Test
    void standaloneByDefault() {
        Parsed p = parse();
        assertEquals(ResolverSettings.Mode.STANDALONE, p.resolution().mode());
        assertNull(p.resolution().kubernetes());
        assertEquals("local registry", p.resolution().describe(0));
        assertEquals("127.0.0.1", p.run().config().internalAddress());
        assertEquals(0, p.run().config().internalPort(), "free ports in standalone mode");
    }

    @Test
    void kubernetesModeUsesDaprsNameAndPortsAndListensForOtherPods() {
        Parsed p = parse(Map.of("NAMESPACE", "production"), "--mode", "kubernetes", "--app-id", "client");
        assertEquals(ResolverSettings.Mode.KUBERNETES, p.resolution().mode());
        ProxyConfig c = p.run().config();
        assertEquals(List.of(50001, 50002, 3500, 9090),
                List.of(c.apiPort(), c.internalPort(), c.httpPort(), c.metricsPort()));
        assertEquals("0.0.0.0", c.internalAddress(), "other pods dial the internal port");
        assertEquals(List.of("127.0.0.1"), c.listenAddresses(), "the API stays on loopback");
        // The router gives the caller's namespace to a call without '.ns', and the suffix's otherwise.
        assertEquals("server-dapr.production.svc.cluster.local", host(p, "server", c.namespace()));
        assertEquals("server-dapr.other.svc.cluster.local", host(p, "server", "other"));
        assertEquals(50002, p.resolution().kubernetes().target("server", "other", c.internalPort()).port());
        assertTrue(p.resolution().describe(50002).startsWith("Kubernetes DNS, <app-id>-dapr.<namespace>.svc."
                + "cluster.local at port 50002, asking the system's"), p.resolution().describe(50002));
    }

    @Test
    void kubernetesModeKeepsPortsGiven() {
        ProxyConfig c = parse("--mode", "Kubernetes", "-I", "6000", "-G", "6001").run().config();
        assertEquals(6000, c.internalPort());
        assertEquals(6001, c.apiPort());
        assertEquals(3500, c.httpPort());
    }

    @Test
    void clusterDomainTemplateAndDnsServerFlags() {
        Parsed p = parse("--mode", "kubernetes", "--kubernetes-cluster-domain", "corp.example", "--dns-server",
                "127.0.0.1:5353");
        assertEquals("server-dapr.default.svc.corp.example", host(p, "server", "default"));
        assertEquals(new InetSocketAddress("127.0.0.1", 5353), p.resolution().dnsServer());

        Parsed t = parse("--mode", "kubernetes", "--kubernetes-template", "{{.ID}}.{{.Namespace}}.mesh:{{.Port}}");
        assertEquals("server.default.mesh", host(t, "server", "default"));
    }

    @Test
    void configurationClusterDomainAndTemplate() throws IOException {
        Path domain = config("""
                component: kubernetes
                configuration:
                  clusterDomain: corp.example
                """);
        assertEquals("server-dapr.default.svc.corp.example",
                host(parse("--mode", "kubernetes", "-c", domain.toString()), "server", "default"));
        // component: kubernetes chooses Kubernetes DNS in standalone mode too, as in Dapr.
        Parsed standalone = parse("-c", domain.toString(), "-I", "50002");
        assertEquals("server-dapr.default.svc.corp.example", host(standalone, "server", "default"));
        // A flag wins over the file.
        assertEquals("server-dapr.default.svc.other.example", host(parse("--mode", "kubernetes", "-c",
                domain.toString(), "--kubernetes-cluster-domain", "other.example"), "server", "default"));

        Path both = config("""
                configuration:
                  clusterDomain: corp.example
                  template: "{{.ID}}.internal:{{.Port}}"
                """);
        Parsed p = parse("--mode", "kubernetes", "-c", both.toString());
        assertEquals("server.internal", host(p, "server", "default"), "the template wins, as in Dapr");
        assertEquals(1, p.resolution().warnings().size(), p.resolution().warnings().toString());
    }

    @Test
    void otherComponentsAreNotBuiltAndSaySo() throws IOException {
        Path consul = config("""
                component: consul
                configuration:
                  client:
                    address: 127.0.0.1:8500
                """);
        Parsed p = parse("-c", consul.toString());
        assertNull(p.resolution().kubernetes());
        assertEquals(List.of("--config: spec.nameResolution.component 'consul' is not built; apps are resolved with "
                + "the local registry"), p.resolution().warnings());
        assertEquals(List.of(), p.run().configWarnings());
    }

    @Test
    void sqliteInKubernetesModeSaysKubernetesDnsIsUsed() throws IOException {
        Parsed p = parse("--mode", "kubernetes", "-c", config("""
                component: sqlite
                configuration:
                  connectionString: /tmp/nr.db
                """).toString());
        assertNull(p.resolution().sqlite());
        assertEquals(List.of("--config: spec.nameResolution.component 'sqlite' is not built for Kubernetes mode; apps "
                + "are resolved with Kubernetes DNS"), p.resolution().warnings());
    }

    @Test
    void sqliteIsDaprsTableWithItsDefaultsAndChecks() throws IOException {
        Parsed p = parse("-c", config("""
                component: sqlite
                configuration:
                  connectionString: /tmp/nr.db
                """).toString());
        assertEquals(List.of(), p.resolution().warnings());
        assertEquals(new io.h2splice.cli.sqlite.SqliteSettings("/tmp/nr.db", "hosts", "metadata",
                java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1)), p.resolution().sqlite());
        assertEquals("Dapr's SQLite name resolution, /tmp/nr.db", p.resolution().describe(0));
        p = parse("-c", config("""
                component: sqlite
                configuration:
                  connectionString: "file:/tmp/nr.db?_txlock=immediate"
                  tableName: dapr_hosts
                  updateInterval: 1m30s
                  timeout: 500ms
                """).toString());
        assertEquals(new io.h2splice.cli.sqlite.SqliteSettings("file:/tmp/nr.db?_txlock=immediate", "dapr_hosts",
                "metadata", java.time.Duration.ofSeconds(90), java.time.Duration.ofMillis(500)),
                p.resolution().sqlite());
        for (String[] bad : new String[][] {
                {"{}", "--config: spec.nameResolution.configuration.connectionString is required for component sqlite"},
                {"{connectionString: ':memory:'}", "--config: spec.nameResolution.configuration.connectionString: an "
                        + "in-memory database is one process's own; sidecars find each other only through a file"},
                {"{connectionString: /tmp/x.db, tableName: 'hosts; drop'}", "--config: spec.nameResolution."
                        + "configuration.tableName: 'hosts; drop' is not a table name (letters, digits and _, at most 64)"},
                {"{connectionString: /tmp/x.db, updateInterval: 1500ms}", "--config: spec.nameResolution.configuration."
                        + "updateInterval must not contain fractions of seconds"},
                {"{connectionString: /tmp/x.db, updateInterval: 1s, timeout: 500ms}", "--config: spec.nameResolution."
                        + "configuration.updateInterval must be at least 1s greater than timeout"},
                {"{connectionString: /tmp/x.db, timeout: soon}", "--config: spec.nameResolution.configuration."
                        + "timeout: 'soon' is not a duration (e.g. 5s)"}}) {
            Path file = config("component: sqlite\nconfiguration: " + bad[0] + "\n");
            UsageException e = assertThrows(UsageException.class, () -> parse("-c", file.toString()), bad[0]);
            assertEquals(bad[1], e.getMessage());
        }
    }

    @Test
    void unsupportedTemplateFieldIsAUsageErrorNamingItsSource() throws IOException {
        UsageException e = assertThrows(UsageException.class, () -> parse("--mode", "kubernetes",
                "--kubernetes-template", "{{.ID}}-{{.Data.region}}.internal:{{.Port}}"));
        assertTrue(e.getMessage().startsWith("--kubernetes-template: "), e.getMessage());
        Path bad = config("""
                component: kubernetes
                configuration:
                  template: "{{.ID}}-{{.Data.region}}"
                """);
        UsageException c = assertThrows(UsageException.class, () -> parse("--mode", "kubernetes", "-c",
                bad.toString()));
        assertTrue(c.getMessage().startsWith("--config: spec.nameResolution.configuration.template: "),
                c.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--kubernetes-cluster-domain=corp.example", "--kubernetes-template={{.ID}}",
            "--dns-server=127.0.0.1"})
    void kubernetesFlagsOutsideKubernetesResolutionAreUsageErrors(String flag) {
        UsageException e = assertThrows(UsageException.class, () -> parse(flag));
        assertTrue(e.getMessage().contains("applies to Kubernetes name resolution only"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example", "127.0.0.1:0", "127.0.0.1:x", "[::1", "[::1]x", "1.2.3.4:53:1"})
    void badDnsServers(String value) {
        assertThrows(UsageException.class, () -> parse("--mode", "kubernetes", "--dns-server", value));
    }

    @Test
    void dnsServerForms() {
        assertEquals(new InetSocketAddress("10.96.0.10", 53), ResolverSettings.dnsServer("10.96.0.10"));
        assertEquals(new InetSocketAddress("::1", 5353), ResolverSettings.dnsServer("[::1]:5353"));
        assertEquals(new InetSocketAddress("::1", 53), ResolverSettings.dnsServer("[::1]"));
        assertEquals(new InetSocketAddress("fd00::a", 53), ResolverSettings.dnsServer("fd00::a"), "bare IPv6: port 53");
    }

    @Test
    void badMode() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--mode", "swarm"));
        assertEquals("--mode must be standalone or kubernetes, got 'swarm'", e.getMessage());
    }

    @Test
    void theResolverEachModeGets() throws Exception {
        List<NameResolver> made = new ArrayList<>();
        try {
            Parsed k = parse("--mode", "kubernetes", "--dns-server", "127.0.0.1:5353");
            made.add(k.resolution().newResolver(dir, k.run().config().internalPort()));
            assertInstanceOf(KubernetesDnsResolver.class, made.get(0));
            Parsed s = parse();
            made.add(s.resolution().newResolver(dir, s.run().config().internalPort()));
            assertInstanceOf(LocalRegistryResolver.class, made.get(1));
            Parsed free = parse("-c", config("component: kubernetes").toString());
            UsageException e = assertThrows(UsageException.class, () -> free.resolution().newResolver(dir, 0));
            assertTrue(e.getMessage().contains("needs a fixed --dapr-internal-grpc-port"), e.getMessage());
        } finally {
            made.forEach(NameResolver::close);
        }
    }
}
