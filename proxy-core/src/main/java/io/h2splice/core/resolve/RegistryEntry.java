package io.h2splice.core.resolve;

import java.util.Objects;

/**
 * One running sidecar as the self-hosted {@link LocalRegistry} records it: who it is, where its internal
 * (sidecar-to-sidecar) listener is, and what {@code h2splice list} shows.
 *
 * @param appId              the app id (see {@link #requireValidName})
 * @param namespace          the namespace (see {@link #requireValidName})
 * @param pid                the sidecar's process id
 * @param cliPid             the process id of the command that launched it (the same process for {@code h2splice run})
 * @param internalHost       the host other sidecars dial: an IP literal, or a host name resolved off the event loop
 * @param internalPort       the internal listener's port
 * @param grpcPort           the gRPC API port
 * @param httpPort           the HTTP port, or -1 when disabled
 * @param metricsPort        the metrics port, or -1 when disabled
 * @param appPort            the app's port, or 0 without an app
 * @param appPid             the app's process id, or 0 without an app
 * @param command            the app's command line as one string, empty without an app
 * @param startedEpochMillis when the sidecar process started; with {@code pid} it tells a live sidecar from a reused pid
 */
public record RegistryEntry(String appId, String namespace, long pid, long cliPid, String internalHost,
                            int internalPort, int grpcPort, int httpPort, int metricsPort, int appPort, long appPid,
                            String command, long startedEpochMillis) {

    public RegistryEntry {
        requireValidName(appId, "app id");
        requireValidName(namespace, "namespace");
        Objects.requireNonNull(internalHost, "internalHost");
        Objects.requireNonNull(command, "command");
        if (pid <= 0 || cliPid <= 0) {
            throw new IllegalArgumentException("pid and cliPid must be positive, got " + pid + " and " + cliPid);
        }
        if (appPid < 0) {
            throw new IllegalArgumentException("appPid must be 0 (no app) or positive, got " + appPid);
        }
        if (internalHost.isBlank()) {
            throw new IllegalArgumentException("internalHost must not be blank");
        }
        checkPort(internalPort, "internalPort", 1);
        checkPort(grpcPort, "grpcPort", -1); // -1: the gRPC API is on a Unix socket
        checkPort(httpPort, "httpPort", -1);
        checkPort(metricsPort, "metricsPort", -1);
        checkPort(appPort, "appPort", 0);
        if (startedEpochMillis <= 0) {
            throw new IllegalArgumentException("startedEpochMillis must be positive, got " + startedEpochMillis);
        }
    }

    /**
     * Checks an app id or namespace: non-empty, at most 253 characters, and free of dots (the app/namespace separator),
     * path separators, whitespace and control characters, so that it is safe as a file name in the registry.
     *
     * @param what how the message names the value, e.g. {@code "app id"} or {@code "--app-id"}
     * @return {@code value}
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    public static String requireValidName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.length() > 253) {
            throw new IllegalArgumentException(what + " must be at most 253 characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.' || unusable(c)) {
                throw new IllegalArgumentException(what + " '" + printable(value) + "' must not contain "
                        + describe(c));
            }
        }
        return value;
    }

    /**
     * Where {@code value} has a character no app id or namespace may have but the dot (which splits
     * {@code app.namespace}): '/', '\\', whitespace or a control character; -1 when none.
     */
    public static int unusableAt(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (unusable(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unusable(char c) {
        return c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c);
    }

    /** The registry file name of this entry: {@code <appId>-<pid>.properties}. */
    String fileName() {
        return appId + "-" + pid + ".properties";
    }

    /** What {@code c} is, for a message saying a name must not contain it. */
    public static String describe(char c) {
        if (c == '.') {
            return "a dot (use app.namespace only when calling another app)";
        }
        if (Character.isISOControl(c)) {
            return String.format("a control character (U+%04X)", (int) c);
        }
        if (Character.isWhitespace(c)) {
            return "whitespace";
        }
        return "'" + c + "'";
    }

    /** {@code s} with each control character (a line break read from a file) shown as '?': for one-line messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    private static void checkPort(int port, String name, int min) {
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException(name + " must be in " + min + "..65535, got " + port);
        }
    }
}
