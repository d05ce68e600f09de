package io.h2splice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * h2splice's version, for {@code --version} and the {@code ver} field of JSON logs. Read from the same resource as
 * the runtime's {@code /v1.0/metadata} ({@code runtimeVersion}), proxy-core's {@code pom.properties}, so that all
 * three agree; {@code dev} when running from class directories.
 */
public final class Version implements IVersionProvider {

    private static final String NUMBER = read();

    /** For picocli. */
    public Version() {
    }

    /** {@code 0.1.0-SNAPSHOT}, or {@code dev}. */
    public static String number() {
        return NUMBER;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"h2splice " + NUMBER + " (Java " + Runtime.version() + ")"};
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream(
                "/META-INF/maven/io.h2splice/proxy-core/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.strip();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // not packaged: fall back to "dev"
        }
        return "dev";
    }
}
