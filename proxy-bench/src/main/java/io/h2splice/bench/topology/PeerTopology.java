package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;
import io.h2splice.bench.proc.ProcFiles;
import io.h2splice.bench.proc.Watched;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A C proxy a user could run instead of h2splice, for comparison: client → instance A → instance B → app, h2c on
 * every hop, {@code --workers} workers each (one by default, as h2splice gets). Started only when its binary is on
 * {@code PATH} (or in an {@code sbin} directory, where Debian puts them); never installed from here. Configs are
 * written to the scratch directory; CPU and RSS count each instance's master and workers.
 * <ul>
 *   <li>nghttpx (Debian {@code nghttp2-proxy}): {@code frontend=...;no-tls}, {@code backend=...;;proto=h2}.</li>
 *   <li>HAProxy: {@code nbthread}, {@code proto h2} on the bind and the server.</li>
 *   <li>nginx: {@code worker_processes}, {@code listen ... http2}, {@code grpc_pass} to an upstream with
 *       {@code keepalive 256}: nginx sends one call at a time per upstream connection, so it keeps more idle
 *       connections than any default scenario has calls in flight; request and body limits lifted so long streams
 *       and many calls per connection pass.</li>
 * </ul>
 */
public final class PeerTopology implements Topology {

    /** The supported peers, by binary name. */
    public enum Peer {
        NGHTTPX("nghttpx", "--version"), HAPROXY("haproxy", "-v"), NGINX("nginx", "-v");

        final String binary;
        final String versionFlag;

        Peer(String binary, String versionFlag) {
            this.binary = binary;
            this.versionFlag = versionFlag;
        }

        public String binary() {
            return binary;
        }

        /** @throws IllegalArgumentException for a name not listed */
        public static Peer of(String name) {
            for (Peer p : values()) {
                if (p.binary.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown peer '" + name + "': expected nghttpx, haproxy or nginx");
        }
    }

    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
    private static final long READY_WITHIN_MILLIS = 15_000;

    private final Peer peer;
    private final String pathEnv;

    public PeerTopology(Peer peer, String pathEnv) {
        this.peer = peer;
        this.pathEnv = pathEnv == null ? "" : pathEnv;
    }

    @Override
    public String name() {
        return peer.binary;
    }

    @Override
    public String describe() {
        return "client → " + peer.binary + " A → " + peer.binary + " B → app (h2c)";
    }

    @Override
    public int hops() {
        return 2;
    }

    /** The binary on {@code path} (then the sbin directories), or {@code null}. */
    static Path find(String binary, String path) {
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(SBIN);
        for (String d : dirs) {
            if (d.isBlank()) {
                continue;
            }
            Path p = Path.of(d, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public Setup start(TopologyContext ctx) throws Skipped, TopologyException {
        Path bin = find(peer.binary, pathEnv);
        if (bin == null) {
            throw new Skipped(peer.binary + " not installed", "not on PATH nor in " + String.join(", ", SBIN));
        }
        String version = version(bin);
        List<Child> children = new ArrayList<>();
        boolean started = false;
        try {
            int[] ports = Ports.distinct(2);
            int portB = ports[0];
            int portA = ports[1];
            Child b = launch(ctx, bin, "B", portB, ctx.appPort(), children);
            Child a = launch(ctx, bin, "A", portA, portB, children);
            awaitListening(b, portB);
            awaitListening(a, portA);
            Map<String, Long> ready = new LinkedHashMap<>();
            ready.put(peer.binary + " A", TimeUnit.NANOSECONDS.toMillis(a.ageNanos()));
            ready.put(peer.binary + " B", TimeUnit.NANOSECONDS.toMillis(b.ageNanos()));
            List<Watched> proxies = List.of(new Watched(peer.binary + " A", a.handle()),
                    new Watched(peer.binary + " B", b.handle()));
            started = true;
            return new Setup(new Endpoint("127.0.0.1", portA, Map.of()), proxies, ready, children, version);
        } finally {
            if (!started) {
                for (int i = children.size() - 1; i >= 0; i--) {
                    children.get(i).stop();
                }
            }
        }
    }

    private Child launch(TopologyContext ctx, Path bin, String instance, int listen, int upstream,
                         List<Child> children) throws TopologyException {
        Path dir = ctx.workDir().resolve(peer.binary + "-" + instance);
        List<String> cmd;
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve(peer.binary + ".conf");
            Files.writeString(conf, config(peer, listen, upstream, ctx.workers(), dir, ProcFiles.isRoot()));
            cmd = switch (peer) {
                case NGHTTPX -> List.of(bin.toString(), "--conf=" + conf);
                case HAPROXY -> List.of(bin.toString(), "-db", "-f", conf.toString());
                case NGINX -> List.of(bin.toString(), "-p", dir + "/", "-c", conf.toString(), "-e", "stderr");
            };
        } catch (IOException e) {
            throw new TopologyException(peer.binary + " " + instance + ": cannot write its config in " + dir + ": "
                    + e.getMessage());
        }
        try {
            Child c = Child.start(peer.binary + " " + instance, cmd, Map.of(),
                    ctx.logDir().resolve(peer.binary + "-" + instance + ".log"));
            children.add(c);
            return c;
        } catch (IOException e) {
            throw new TopologyException(peer.binary + " " + instance + ": cannot start " + bin + ": "
                    + e.getMessage());
        }
    }

    private void awaitListening(Child c, int port) throws TopologyException {
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MILLIS);
        while (true) {
            if (!c.isAlive()) {
                throw new TopologyException(c.name() + " exited with code " + c.exitCode()
                        + " before it listened: " + c.reason() + " (log: " + c.log() + ")");
            }
            if (Ports.accepts(port)) {
                return;
            }
            if (System.nanoTime() > giveUpAt) {
                throw new TopologyException(c.name() + " did not listen on 127.0.0.1:" + port + " within "
                        + READY_WITHIN_MILLIS / 1000 + " s (log: " + c.log() + ")");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopologyException(c.name() + ": interrupted while starting");
            }
        }
    }

    /** The config of one instance listening (h2c) on {@code listen} and proxying (h2c) to {@code upstream}. */
    static String config(Peer peer, int listen, int upstream, int workers, Path dir, boolean root) {
        return switch (peer) {
            case NGHTTPX -> ""
                    + "frontend=127.0.0.1," + listen + ";no-tls\n"
                    + "backend=127.0.0.1," + upstream + ";;proto=h2\n"
                    + "workers=" + workers + "\n";
            case HAPROXY -> ""
                    + "global\n"
                    + "    nbthread " + workers + "\n"
                    + "defaults\n"
                    + "    mode http\n"
                    + "    timeout connect 5s\n"
                    + "    timeout client 120s\n"
                    + "    timeout server 120s\n"
                    + "frontend fe\n"
                    + "    bind 127.0.0.1:" + listen + " proto h2\n"
                    + "    default_backend be\n"
                    + "backend be\n"
                    + "    server app 127.0.0.1:" + upstream + " proto h2\n";
            case NGINX -> ""
                    + (root ? "user root;\n" : "")
                    + "worker_processes " + workers + ";\n"
                    + "daemon off;\n"
                    + "master_process on;\n"
                    + "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log stderr warn;\n"
                    + "events { worker_connections 4096; }\n"
                    + "http {\n"
                    + "    access_log off;\n"
                    + "    client_body_temp_path " + dir.resolve("body") + ";\n"
                    + "    proxy_temp_path " + dir.resolve("proxy") + ";\n"
                    + "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                    + "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                    + "    scgi_temp_path " + dir.resolve("scgi") + ";\n"
                    + "    client_max_body_size 0;\n"
                    + "    keepalive_requests 1000000000;\n"
                    + "    keepalive_timeout 300s;\n"
                    + "    upstream app {\n"
                    + "        server 127.0.0.1:" + upstream + ";\n"
                    + "        keepalive 256;\n"
                    + "        keepalive_requests 1000000000;\n"
                    + "        keepalive_timeout 300s;\n"
                    + "    }\n"
                    + "    server {\n"
                    + "        listen 127.0.0.1:" + listen + " http2;\n"
                    + "        location / { grpc_pass grpc://app; }\n"
                    + "    }\n"
                    + "}\n";
        };
    }

    /** The first line of {@code <binary> -v}, e.g. {@code nginx version: nginx/1.22.1}; the binary's name if that fails. */
    private String version(Path bin) {
        Process p = null;
        try {
            p = new ProcessBuilder(bin.toString(), peer.versionFlag).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            p.waitFor(5, TimeUnit.SECONDS);
            String first = out.strip().split("\\R", 2)[0].strip();
            return first.isEmpty() ? peer.binary : first;
        } catch (IOException e) {
            return peer.binary;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return peer.binary;
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
