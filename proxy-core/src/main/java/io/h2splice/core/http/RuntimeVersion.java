package io.h2splice.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * h2splice's version as reported in {@code runtimeVersion}: {@code "h2splice-<version>"}. Read once from the
 * {@code pom.properties} Maven puts in proxy-core's jar (it survives shading), else from the jar manifest, else
 * {@code "dev"} (running from {@code target/classes}).
 */
public final class RuntimeVersion {

    /** The version number alone: {@code 0.1.0-SNAPSHOT}, or {@code dev}. */
    public static final String NUMBER = read();

    static final String VALUE = "h2splice-" + NUMBER;

    private RuntimeVersion() {
    }

    private static String read() {
        try (InputStream in = RuntimeVersion.class.getResourceAsStream(
                "/META-INF/maven/io.h2splice/proxy-core/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through to the manifest
        }
        String v = RuntimeVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }
}
