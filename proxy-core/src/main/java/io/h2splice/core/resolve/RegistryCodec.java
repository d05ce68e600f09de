package io.h2splice.core.resolve;

import java.util.Properties;

/** Turns a {@link RegistryEntry} into {@link Properties} and back; the registry's only file format. */
final class RegistryCodec {

    /** Bumped when a key changes meaning; a reader skips files of a format it does not know. */
    static final String FORMAT = "1";

    private RegistryCodec() {
    }

    static Properties encode(RegistryEntry e) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("appId", e.appId());
        p.setProperty("namespace", e.namespace());
        p.setProperty("pid", Long.toString(e.pid()));
        p.setProperty("cliPid", Long.toString(e.cliPid()));
        p.setProperty("internalHost", e.internalHost());
        p.setProperty("internalPort", Integer.toString(e.internalPort()));
        p.setProperty("grpcPort", Integer.toString(e.grpcPort()));
        p.setProperty("httpPort", Integer.toString(e.httpPort()));
        p.setProperty("metricsPort", Integer.toString(e.metricsPort()));
        p.setProperty("appPort", Integer.toString(e.appPort()));
        p.setProperty("appPid", Long.toString(e.appPid()));
        p.setProperty("command", e.command());
        p.setProperty("startedEpochMillis", Long.toString(e.startedEpochMillis()));
        return p;
    }

    /** @throws IllegalArgumentException with a one-line message when a key is missing or a value is malformed */
    static RegistryEntry decode(Properties p) {
        String format = p.getProperty("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("unknown format '" + RegistryEntry.printable(String.valueOf(format))
                    + "' (expected " + FORMAT + ")");
        }
        return new RegistryEntry(
                string(p, "appId"), string(p, "namespace"), number(p, "pid"), number(p, "cliPid"),
                string(p, "internalHost"), port(p, "internalPort"), port(p, "grpcPort"), port(p, "httpPort"),
                port(p, "metricsPort"), port(p, "appPort"), number(p, "appPid"), string(p, "command"),
                number(p, "startedEpochMillis"));
    }

    private static String string(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing key '" + key + "'");
        }
        return v;
    }

    private static long number(Properties p, String key) {
        String v = string(p, key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key '" + key + "' is not a number: '" + RegistryEntry.printable(v) + "'");
        }
    }

    private static int port(Properties p, String key) {
        long v = number(p, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("key '" + key + "' is out of range: " + v);
        }
        return (int) v;
    }
}
