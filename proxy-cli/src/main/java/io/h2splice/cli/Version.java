package io.h2splice.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code h2splice --version}: the jar's implementation version, else "dev". */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"h2splice " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
