package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;
import io.h2splice.bench.proc.Watched;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A started topology: where to send calls, the proxy processes to measure (in hop order), how long each took to be
 * ready, and its children to stop.
 */
public final class Setup implements AutoCloseable {

    private final Endpoint endpoint;
    private final List<Watched> proxies;
    private final Map<String, Long> readyMillis;
    private final List<Child> children;
    private final String software;
    private final Map<String, Integer> metricsPorts;

    public Setup(Endpoint endpoint, List<Watched> proxies, Map<String, Long> readyMillis, List<Child> children) {
        this(endpoint, proxies, readyMillis, children, null);
    }

    /** @param software the proxies' name and version ({@code nginx/1.22.1}), or {@code null} */
    public Setup(Endpoint endpoint, List<Watched> proxies, Map<String, Long> readyMillis, List<Child> children,
                 String software) {
        this(endpoint, proxies, readyMillis, children, software, Map.of());
    }

    /** @param metricsPorts each proxy's metrics port, by proxy name; empty when it has none */
    public Setup(Endpoint endpoint, List<Watched> proxies, Map<String, Long> readyMillis, List<Child> children,
                 String software, Map<String, Integer> metricsPorts) {
        this.metricsPorts = Map.copyOf(metricsPorts);
        this.software = software;
        this.endpoint = endpoint;
        this.proxies = List.copyOf(proxies);
        this.readyMillis = Map.copyOf(readyMillis);
        this.children = new ArrayList<>(children);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The proxy processes (sidecar A, sidecar B...), each with its children. */
    public List<Watched> proxies() {
        return proxies;
    }

    /** The proxies' name and version, or {@code null}. */
    public String software() {
        return software;
    }

    /** The metrics port of the proxy named {@code proxy}, or -1 when it has none. */
    public int metricsPort(String proxy) {
        return metricsPorts.getOrDefault(proxy, -1);
    }

    /** The log files of its processes, in order of start. */
    public List<java.nio.file.Path> logs() {
        return children.stream().map(Child::log).toList();
    }

    /** Milliseconds from process start to ready, by proxy name. */
    public Map<String, Long> readyMillis() {
        return readyMillis;
    }

    /** The children that exited on their own since the start (a crashed proxy), as one line; {@code null} if none. */
    public String deaths() {
        StringBuilder sb = new StringBuilder();
        for (Child c : children) {
            if (!c.isAlive()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(c.name()).append(" exited with code ")
                        .append(c.exitCode()).append(": ").append(c.lastLine());
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Stops the children in reverse order of start. */
    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).stop();
        }
    }
}
