package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code h2splice inject -f FILE} reads: any bytes, as UTF-8 YAML of one or more documents. Each document is
 * parsed ({@link YamlDocuments#parse}), injected ({@link WorkloadInjector}, which applies {@link PodPatcher}'s
 * patch itself) and written back, as {@link InjectCommand} does. Bad input must give an {@link InjectException}
 * naming {@code <source>:<line>}; a RuntimeException or an Error escaping is a finding. Seeds: {@code
 * InjectFuzzTestInputs/workloads}, from {@code src/test/resources/kube/workloads.yaml}.
 */
class InjectFuzzTest {

    private static final InjectorSettings SETTINGS = InjectorSettings.of("registry.test/h2splice:test", true);
    private final WorkloadInjector injector = new WorkloadInjector(new PodPatcher(SETTINGS), SETTINGS.mtls());

    @FuzzTest
    void workloads(byte[] data) {
        List<YamlDocuments.Document> docs;
        try {
            docs = YamlDocuments.parse(new String(data, StandardCharsets.UTF_8), "deploy.yaml");
        } catch (InjectException e) {
            assertFalse(e.getMessage().contains("\n"), "a message of more than one line: " + e.getMessage());
            assertFalse(!e.getMessage().startsWith("deploy.yaml:"), "the message names no line: " + e.getMessage());
            return;
        }
        List<String> out = new ArrayList<>();
        for (YamlDocuments.Document doc : docs) {
            if (doc.tree() == null) {
                out.add(doc.text());
                continue;
            }
            WorkloadInjector.Result r = injector.inject(doc.tree(), warning -> { });
            out.add(r.object() == doc.tree() ? doc.text() : YamlDocuments.write(r.object()));
            if (r.service() != null) {
                out.add(YamlDocuments.write(r.service()));
            }
        }
        YamlDocuments.join(out);
    }
}
