package io.h2splice.cli.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code --config} file as a person may write it: any bytes. {@link ConfigurationFile#read} must give a
 * configuration or a {@link ConfigException}: one line naming the file (the project's rule: bad input gets a clear
 * error naming the problem, never a stack trace). Any other exception or error escaping (a NullPointerException, a
 * ClassCastException, a StackOverflowError from deep YAML) is a finding. Seeds: {@code
 * ConfigurationFileFuzzTestInputs/configuration}, from ConfigurationFileTest and Dapr's docs.
 */
class ConfigurationFileFuzzTest {

    private static final Path FILE = FuzzFiles.file("config.yaml");

    @FuzzTest
    void configuration(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            ConfigurationFile.read(FILE, ignored -> { });
        } catch (ConfigException e) {
            FuzzFiles.assertClear(e, FILE);
        }
    }
}
