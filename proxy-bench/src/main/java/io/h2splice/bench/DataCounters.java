package io.h2splice.bench;

import io.h2splice.bench.proc.MetricsPage;

import java.io.IOException;
import java.util.Optional;

/**
 * A sidecar's DATA counters read from its metrics page: payload bytes and frames received, for requests and for
 * responses ({@code h2splice_data_{bytes,frames}_total{direction}}).
 */
record DataCounters(long requestBytes, long requestFrames, long responseBytes, long responseFrames) {

    /** The counters on the metrics page at {@code port} (127.0.0.1), or empty when it cannot be read. */
    static Optional<DataCounters> scrape(int port) {
        if (port <= 0) {
            return Optional.empty();
        }
        try {
            return parse(MetricsPage.fetch(port));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The four counters from an exposition text; empty when one is missing. */
    static Optional<DataCounters> parse(String page) {
        long[] v = {-1, -1, -1, -1};
        String[] series = {"h2splice_data_bytes_total{direction=\"request\"}",
            "h2splice_data_frames_total{direction=\"request\"}", "h2splice_data_bytes_total{direction=\"response\"}",
            "h2splice_data_frames_total{direction=\"response\"}"};
        for (String line : page.split("\n")) {
            for (int i = 0; i < series.length; i++) {
                if (line.startsWith(series[i] + " ")) {
                    v[i] = (long) Double.parseDouble(line.substring(series[i].length() + 1).trim());
                }
            }
        }
        for (long x : v) {
            if (x < 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new DataCounters(v[0], v[1], v[2], v[3]));
    }
}
