package io.h2splice.cli.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mutate} and {@code GET /healthz}. Every failure becomes a response: 400 for a body that is not an
 * AdmissionReview, 404, 405, 413, and 500 for a bug, so no request can take the server down.
 */
final class MutateHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.kube");
    /** Kubernetes objects are at most 1.5 MiB in etcd; a review carries the object (and for updates, two). */
    static final int MAX_BODY = 8 << 20;

    private final AdmissionReviewer reviewer;
    private final ServiceSink services;

    MutateHandler(AdmissionReviewer reviewer, ServiceSink services) {
        this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (IOException e) {
                LOG.debug("Webhook connection failed: {}", e.toString());
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("Webhook request failed", e);
                text(ex, 500, "h2splice injector: internal error: " + e);
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if ("/healthz".equals(path)) {
            text(ex, "GET".equals(method) || "HEAD".equals(method) ? 200 : 405, "ok");
            return;
        }
        if (!"/mutate".equals(path)) {
            text(ex, 404, "h2splice injector: no such path " + path + " (POST /mutate, GET /healthz)");
            return;
        }
        if (!"POST".equals(method)) {
            text(ex, 405, "h2splice injector: /mutate takes POST, not " + method);
            return;
        }
        byte[] body = read(ex.getRequestBody());
        if (body == null) {
            text(ex, 413, "h2splice injector: body larger than " + MAX_BODY + " bytes");
            return;
        }
        AdmissionReviewer.Answer answer;
        try {
            answer = reviewer.answer(body);
        } catch (NotAReviewException e) {
            text(ex, 400, "h2splice injector: " + e.getMessage());
            return;
        }
        byte[] out = Json.MAPPER.writeValueAsBytes(answer.review());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
        if (answer.service() != null) {
            services.submit(answer.service());
        }
    }

    /** The whole body, or null when longer than {@link #MAX_BODY}. */
    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[16384];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            if (buf.size() + n > MAX_BODY) {
                return null;
            }
            buf.write(chunk, 0, n);
        }
        return buf.toByteArray();
    }

    private static void text(HttpExchange ex, int status, String message) throws IOException {
        byte[] out = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }
}
