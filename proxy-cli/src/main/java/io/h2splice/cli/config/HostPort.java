package io.h2splice.cli.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code host:port} and {@code [ipv6]:port}, resolved at start (a blocking DNS lookup for host names). */
public final class HostPort {

    private HostPort() {
    }

    /** A host (name or address, IPv6 without brackets) and a port, not resolved. */
    public record Parsed(String host, int port) {
    }

    /**
     * Splits {@code host:port} or {@code [ipv6]:port} without resolving the host.
     *
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    public static Parsed parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' must be host:port");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. [::1]:50002");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("'" + text + "': port must be in 1..65535");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': host is empty");
        }
        return new Parsed(host, port);
    }

    /** {@link #parse}, then the host resolved; @throws IllegalArgumentException with a one-line message */
    static InetSocketAddress resolve(String text) {
        Parsed p = parse(text);
        try {
            return new InetSocketAddress(InetAddress.getByName(p.host()), p.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "': cannot resolve host '" + p.host() + "'");
        }
    }
}
