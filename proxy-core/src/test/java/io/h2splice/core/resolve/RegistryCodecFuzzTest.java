package io.h2splice.core.resolve;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A registry file ({@code <appId>-<pid>.properties}) as another process, a crash mid-write or a person may have left
 * it: any bytes, read as {@link LocalRegistry} reads them (UTF-8 text through {@link Properties#load}). Properties'
 * own refusal (a malformed {@code \\u} escape) is skipped as LocalRegistry skips it. {@link RegistryCodec#decode}
 * must either give an entry that encodes back to itself, or throw an {@link IllegalArgumentException} with a
 * one-line message. Seeds: {@code RegistryCodecFuzzTestInputs/registryFile}.
 */
class RegistryCodecFuzzTest {

    @FuzzTest
    void registryFile(byte[] data) throws IOException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return; // "Malformed \\uxxxx encoding.": LocalRegistry logs it and skips the file
        }
        RegistryEntry e;
        try {
            e = RegistryCodec.decode(p);
        } catch (IllegalArgumentException bad) {
            assertFalse(bad.getMessage().contains("\n"), "a message of more than one line: " + bad.getMessage());
            return;
        }
        assertEquals(e, RegistryCodec.decode(RegistryCodec.encode(e)));
        assertEquals(e.appId() + "-" + e.pid() + ".properties", e.fileName());
    }
}
