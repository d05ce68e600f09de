package io.h2splice.bench;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataCountersTest {

    @Test
    void theFourCountersAreReadFromAMetricsPage() {
        String page = """
                # HELP h2splice_data_bytes_total DATA payload bytes forwarded, by direction.
                # TYPE h2splice_data_bytes_total counter
                h2splice_data_bytes_total{direction="request"} 6553600
                h2splice_data_bytes_total{direction="response"} 1.31072E7
                # TYPE h2splice_data_frames_total counter
                h2splice_data_frames_total{direction="request"} 400
                h2splice_data_frames_total{direction="response"} 801
                """;
        assertEquals(Optional.of(new DataCounters(6_553_600, 400, 13_107_200, 801)), DataCounters.parse(page));
    }

    @Test
    void aPageWithoutThemIsEmpty() {
        assertEquals(Optional.empty(), DataCounters.parse("h2splice_data_bytes_total{direction=\"request\"} 1\n"));
        assertEquals(Optional.empty(), DataCounters.scrape(-1));
    }
}
