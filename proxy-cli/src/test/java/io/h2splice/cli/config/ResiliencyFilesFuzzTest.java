package io.h2splice.cli.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2splice.core.config.resiliency.Resiliency;
import io.h2splice.core.resiliency.ResiliencyPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Resiliency file in {@code --resources-path} as a person may write it: any bytes, possibly several documents.
 * {@link ResiliencyFiles#read} must give the resources or a {@link ConfigException} (one line naming the file), and
 * what it gives must compile into {@link ResiliencyPolicies} as {@code h2splice run} does (the loader checked every
 * trip expression). Anything else escaping is a finding. Seeds: {@code ResiliencyFilesFuzzTestInputs/resiliency},
 * from ResiliencyFilesTest and Dapr's docs.
 */
class ResiliencyFilesFuzzTest {

    private static final Path FILE = FuzzFiles.file("resiliency.yaml");

    @FuzzTest
    void resiliency(byte[] data) throws IOException {
        Files.write(FILE, data);
        List<Resiliency> loaded;
        try {
            loaded = ResiliencyFiles.read(List.of(FILE.getParent()), "app", ignored -> { });
        } catch (ConfigException e) {
            FuzzFiles.assertClear(e, FILE);
            return;
        }
        new ResiliencyPolicies(loaded, 1 << 20);
    }
}
