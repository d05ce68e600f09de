package io.h2splice.bench.topology;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyConfigTest {

    @Test
    void sidecarFlagsComeFromTheLauncher() {
        String script = "#!/usr/bin/env bash\n"
                + "# exec java ${H2SPLICE_JAVA_OPTS:--Xcomment} -jar x\n"
                + "exec \"$java\" ${H2SPLICE_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC "
                + "-XX:SharedArchiveFile=$root/h2splice.jsa} -jar \"$jar\" \"$@\"\n";
        assertEquals(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=/r/h2splice.jsa"),
                H2spliceInstall.launcherDefaults(script, Path.of("/r")));
        assertNull(H2spliceInstall.launcherDefaults("exec java ${H2SPLICE_JAVA_OPTS:--Xmx$(nproc)m} -jar x",
                Path.of("/r")), "shell syntax beyond $root: not guessed");
        assertNull(H2spliceInstall.launcherDefaults("exec java -jar x", Path.of("/r")));
    }

    @Test
    void classDataSharingFollowsTheLauncher(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String launcher = "opts=(${H2SPLICE_JAVA_OPTS:--Xmx256m})\n"
                + "jsa=\"${jar%.jar}.jsa\"\n"
                + "quiet_cds=(-Xlog:cds=off -Xlog:cds+dynamic=off)\n"
                + "exec \"$java\" \"${opts[@]}\" -XX:SharedArchiveFile=\"$jsa\" \"${quiet_cds[@]}\" -jar x\n";
        assertEquals(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off"), H2spliceInstall.launcherCdsLogFlags(launcher));
        assertNull(H2spliceInstall.launcherCdsLogFlags("exec java -Xmx1g -jar x"), "no archive: no CDS");

        Path jar = java.nio.file.Files.writeString(dir.resolve("h2splice.jar"), "jar");
        H2spliceInstall i = new H2spliceInstall(dir, jar, null, "java", List.of("-Xmx256m"), "test",
                List.of("-Xlog:cds=off"));
        assertEquals(dir.resolve("h2splice.jsa"), i.cdsArchive());
        assertTrue(i.cdsToRecord(), "no archive yet: the launcher would record one");
        assertEquals(List.of("-Xmx256m"), i.sidecarJvmFlags());
        Path jsa = java.nio.file.Files.writeString(i.cdsArchive(), "archive");
        java.nio.file.Files.setLastModifiedTime(jsa, java.nio.file.attribute.FileTime.fromMillis(
                java.nio.file.Files.getLastModifiedTime(jar).toMillis() + 5_000));
        assertEquals(List.of("-Xmx256m", "-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off"), i.sidecarJvmFlags());
        assertTrue(!i.cdsToRecord());
        java.nio.file.Files.setLastModifiedTime(jsa, java.nio.file.attribute.FileTime.fromMillis(
                java.nio.file.Files.getLastModifiedTime(jar).toMillis() - 5_000));
        assertEquals(List.of("-Xmx256m"), i.sidecarJvmFlags(), "an archive older than the jar is not used");
        H2spliceInstall off = new H2spliceInstall(dir, jar, null, "java", List.of("-Xmx256m"), "test", null);
        assertTrue(!off.cdsToRecord() && off.cdsStatus().startsWith("off"));
    }

    @Test
    void theRepositoryLauncherIsReadable() {
        Path root = H2spliceInstall.findRoot(Path.of("").toAbsolutePath());
        if (root == null) {
            return;  // not run inside the repository
        }
        List<String> opts = H2spliceInstall.launcherDefaults(root);
        assertTrue(opts != null && !opts.isEmpty(), "bin/h2splice's default JVM flags are found: " + opts);
        H2spliceInstall install = H2spliceInstall.locate(null, "-Xmx64m", java.util.Map.of());
        assertEquals(List.of("-Xmx64m"), install.jvmOpts());
        assertEquals("--sidecar-jvm-opts", install.jvmOptsSource());
        install = H2spliceInstall.locate(null, null, java.util.Map.of("H2SPLICE_JAVA_OPTS", "-Xmx99m -Xss1m"));
        assertEquals(List.of("-Xmx99m", "-Xss1m"), install.jvmOpts());
        install = H2spliceInstall.locate(null, null, java.util.Map.of());
        assertEquals("bin/h2splice", install.jvmOptsSource());
        assertNull(H2spliceInstall.locate(null, null, java.util.Map.of("H2SPLICE_NO_CDS", "1")).cdsLogFlags());
        assertEquals(root.resolve("proxy-cli/target/h2splice.jar"), install.jar());
    }

    @Test
    void theSidecarsJavaIsTheLaunchersJavaHome(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        String own = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertEquals(own, H2spliceInstall.javaBinary(java.util.Map.of()));
        assertEquals(own, H2spliceInstall.javaBinary(java.util.Map.of("JAVA_HOME", home.toString())),
                "a JAVA_HOME without bin/java: this JVM's");
        java.nio.file.Files.createDirectories(home.resolve("bin"));
        java.nio.file.Files.writeString(home.resolve("bin/java"), "");
        assertEquals(home.resolve("bin/java").toString(),
                H2spliceInstall.javaBinary(java.util.Map.of("JAVA_HOME", home.toString())));
    }

    @Test
    void aMissingExplicitJarIsSaid() {
        H2spliceInstall i = H2spliceInstall.locate(Path.of("/no/such/h2splice.jar"), null, java.util.Map.of());
        assertTrue(!i.hasJar() && i.whyNoJar().contains("/no/such/h2splice.jar: no such file"), i.whyNoJar());
    }

    @Test
    void resolverFileNamesTheServersInternalPort() {
        assertEquals("apps:\n  - appId: server\n    addresses: [\"127.0.0.1:4321\"]\n",
                SidecarTopology.resolverYaml("server", 4321));
    }

    @Test
    void peerConfigsAreTwoHopH2cWithTheWorkersGiven() {
        Path dir = Path.of("/tmp/x");
        String nghttpx = PeerTopology.config(PeerTopology.Peer.NGHTTPX, 1000, 2000, 1, dir, false);
        assertTrue(nghttpx.contains("frontend=127.0.0.1,1000;no-tls\n"), nghttpx);
        assertTrue(nghttpx.contains("backend=127.0.0.1,2000;;proto=h2\n"), nghttpx);
        assertTrue(nghttpx.contains("workers=1\n"), nghttpx);
        String haproxy = PeerTopology.config(PeerTopology.Peer.HAPROXY, 1000, 2000, 1, dir, false);
        assertTrue(haproxy.contains("nbthread 1\n"), haproxy);
        assertTrue(haproxy.contains("bind 127.0.0.1:1000 proto h2\n"), haproxy);
        assertTrue(haproxy.contains("server app 127.0.0.1:2000 proto h2\n"), haproxy);
        String nginx = PeerTopology.config(PeerTopology.Peer.NGINX, 1000, 2000, 2, dir, true);
        assertTrue(nginx.startsWith("user root;\n"), nginx);
        assertTrue(nginx.contains("worker_processes 2;\n"), nginx);
        assertTrue(nginx.contains("listen 127.0.0.1:1000 http2;"), nginx);
        assertTrue(nginx.contains("server 127.0.0.1:2000;"), nginx);
        assertTrue(nginx.contains("keepalive 256;"), nginx);
        assertTrue(nginx.contains("grpc_pass grpc://app;"), nginx);
        assertTrue(!PeerTopology.config(PeerTopology.Peer.NGINX, 1, 2, 1, dir, false).contains("user root"));
    }

    @Test
    void aPeerThatIsNotInstalledIsSkippedNotFailed() {
        assertNull(PeerTopology.find("no-such-proxy-binary", "/nonexistent"));
        assertThrows(IllegalArgumentException.class, () -> PeerTopology.Peer.of("envoy"));
        assertEquals(PeerTopology.Peer.NGINX, PeerTopology.Peer.of(" NGINX "));
    }

    @Test
    void freePortsAreDistinctAndClosed() {
        int a = Ports.free();
        int b = Ports.free();
        assertTrue(a > 0 && b > 0);
        assertTrue(!Ports.accepts(a), "nothing listens on a port just picked");
    }
}
