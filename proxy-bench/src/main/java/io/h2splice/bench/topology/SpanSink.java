package io.h2splice.bench.topology;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * Where the {@code 2hop-observed} sidecars send their spans: an HTTP endpoint on 127.0.0.1 that takes Zipkin's
 * {@code POST /api/v2/spans}, reads the body and answers 202. It stands in for a Zipkin server so that
 * the benchmark measures what exporting costs the sidecar, not what a collector on the same 2 cores costs.
 * One per benchmark process, on a daemon thread; it ends with the process.
 */
final class SpanSink {

    private static SpanSink shared;

    private final HttpServer server;

    private SpanSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/api/v2/spans", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "span-sink");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static synchronized SpanSink shared() {
        if (shared == null) {
            try {
                shared = new SpanSink();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the span sink on 127.0.0.1", e);
            }
        }
        return shared;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
    }
}
