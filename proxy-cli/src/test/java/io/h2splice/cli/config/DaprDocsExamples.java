package io.h2splice.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Dapr's documentation examples, kept as published in src/test/resources/dapr-docs, for every test that loads them. */
public final class DaprDocsExamples {

    private DaprDocsExamples() {
    }

    /** operations/resiliency/resiliency-overview.md, "Complete example policy", as is. */
    public static String resiliencyOverview() {
        return read("/dapr-docs/resiliency-overview.yaml");
    }

    private static String read(String resource) {
        try (InputStream in = DaprDocsExamples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
