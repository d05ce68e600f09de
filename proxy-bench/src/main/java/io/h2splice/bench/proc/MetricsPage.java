package io.h2splice.bench.proc;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** An h2splice sidecar's Prometheus metrics page, fetched from 127.0.0.1. */
public final class MetricsPage {

    private MetricsPage() {
    }

    /**
     * The text of {@code http://127.0.0.1:<port>/metrics} (1 s to connect, 5 s to read).
     *
     * @throws IOException when it cannot be read, or answers other than 200 (the message is then {@code HTTP <code>})
     */
    public static String fetch(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL()
                .openConnection();
        try {
            c.setConnectTimeout(1_000);
            c.setReadTimeout(5_000);
            if (c.getResponseCode() != 200) {
                throw new IOException("HTTP " + c.getResponseCode());
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }
}
