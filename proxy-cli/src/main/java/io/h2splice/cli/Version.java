package io.h2splice.cli;

import io.h2splice.core.http.RuntimeVersion;
import picocli.CommandLine.IVersionProvider;

/**
 * h2splice's version, for {@code --version} and the {@code ver} field of JSON logs. Read from the same resource as
 * the runtime's {@code /v1.0/metadata} ({@code runtimeVersion}), proxy-core's {@code pom.properties}, so that all
 * three agree; {@code dev} when running from class directories.
 */
public final class Version implements IVersionProvider {

    private static final String NUMBER = RuntimeVersion.NUMBER;

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
}
