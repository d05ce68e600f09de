package io.h2splice.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code --resolver-file} as a person may write it: any bytes. {@link ResolverFile#read} must give a resolver or a
 * {@link ConfigException} (one line naming the file); anything else escaping is a finding. Host names are resolved
 * through a hosts file of this test's ({@code jdk.net.hosts.file}), so that fuzzing sends no DNS query; that works
 * only when nothing resolved a name before this class loaded, as in a fuzzing run (one test class per JVM), which
 * checks it. Seeds: {@code ResolverFileFuzzTestInputs/resolverFile}, from ResolverFileTest.
 */
class ResolverFileFuzzTest {

    private static final Path FILE = FuzzFiles.file("resolver.yaml");
    private static final boolean HERMETIC = hostsFile();

    @FuzzTest
    void resolverFile(byte[] data) throws IOException {
        if (System.getenv("JAZZER_FUZZ") != null) {
            assertEquals(true, HERMETIC, "name resolution is not through this test's hosts file: fuzzing would "
                    + "send DNS queries; run this class alone");
        }
        Files.write(FILE, data);
        try {
            ResolverFile.read(FILE);
        } catch (ConfigException e) {
            FuzzFiles.assertClear(e, FILE);
        }
    }

    /** Points the JDK's resolver at a hosts file with localhost and one probe name; true when it took effect. */
    private static boolean hostsFile() {
        try {
            Path hosts = FuzzFiles.file("hosts");
            Files.writeString(hosts, "127.0.0.1 localhost h2splice-fuzz-probe\n::1 localhost\n");
            System.setProperty("jdk.net.hosts.file", hosts.toString());
            return InetAddress.getByName("h2splice-fuzz-probe").isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
