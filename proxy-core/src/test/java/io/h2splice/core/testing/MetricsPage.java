package io.h2splice.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A sidecar's Prometheus page, fetched over HTTP, and the value of one series in it. */
public final class MetricsPage {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MetricsPage() {
    }

    /** The page at {@code http://127.0.0.1:<port>/metrics}. */
    public static String fetch(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("metrics page answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("cannot fetch the metrics page on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The value of the series written exactly {@code series} (name and labels), 0 when the page lacks it. */
    public static long value(String page, String series) {
        String prefix = series + " ";
        for (String line : page.split("\n")) {
            if (line.startsWith(prefix)) {
                return (long) Double.parseDouble(line.substring(prefix.length()).trim());
            }
        }
        return 0;
    }

    /** {@link #value} on a freshly fetched page. */
    public static long value(int port, String series) {
        return value(fetch(port), series);
    }
}
