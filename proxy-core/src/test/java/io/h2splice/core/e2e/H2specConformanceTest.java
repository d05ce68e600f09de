package io.h2splice.core.e2e;

import io.h2splice.core.config.ProxyConfig;
import io.h2splice.core.runtime.Proxy;
import io.h2splice.core.testing.CompatTable;
import io.h2splice.core.testing.H2spec;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * h2spec, an HTTP/2 conformance suite nobody on this project wrote, against a sidecar's gRPC API port and its
 * internal port (h2c, as with {@code --enable-mtls=false}): every one of its 145 cases passes, or is listed in
 * {@code h2spec/not-applicable.txt} with why and the test that shows the why holds (that test must exist). A listed
 * case that passes fails this test too, so the list only ever shrinks to what is true, unless its reason says that
 * h2spec's verdict on it depends on timing ("either way:"), where both verdicts are conformant. The internal port over mTLS is
 * not run: h2spec presents no client certificate, and the sidecar hop refuses a peer without one
 * ({@code PeerChecks}; README, "Security").
 */
class H2specConformanceTest {

    private static Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        H2spec.assumeInstalled();
        proxy = Proxy.builder(ProxyConfig.loopback("h2spec", 0).withWorkers(1),
                (id, ns) -> CompletableFuture.completedFuture(List.of())).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theApiPort() throws Exception {
        check("gRPC API port", proxy::apiPort);
    }

    @Test
    void theInternalPort() throws Exception {
        check("internal port", proxy::internalPort);
    }

    @Test
    void everyListedCaseNamesATestThatExists() throws Exception {
        H2spec.assumeInstalled();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, H2spec.Listed> e : H2spec.notApplicable().entrySet()) {
            String[] ref = e.getValue().test().split("#");
            try {
                Class<?> c = Class.forName(ref[0]);
                boolean found = false;
                for (var m : c.getDeclaredMethods()) {
                    found |= m.getName().equals(ref[1]);
                }
                if (!found) {
                    missing.add(e.getKey() + " -> " + e.getValue().test());
                }
            } catch (ClassNotFoundException | ArrayIndexOutOfBoundsException ex) {
                missing.add(e.getKey() + " -> " + e.getValue().test());
            }
        }
        assertEquals(List.of(), missing, "listed cases whose named test does not exist");
    }

    private static void check(String what, IntSupplier port) throws IOException, InterruptedException {
        Map<String, H2spec.Listed> listed = H2spec.notApplicable();
        List<H2spec.Case> cases = H2spec.run(port.getAsInt(), Path.of("target", "h2spec"));
        assertTrue(cases.size() >= 145, "h2spec ran " + cases.size() + " cases against the " + what);
        List<String> unexpected = new ArrayList<>();
        TreeSet<String> passingButListed = new TreeSet<>();
        for (H2spec.Case c : cases) {
            boolean ok = c.outcome() == H2spec.Outcome.PASSED;
            if (!ok && !listed.containsKey(c.id())) {
                unexpected.add(c.id() + " " + c.outcome() + ": " + c.title() + " — " + c.detail());
            }
            if (ok && listed.containsKey(c.id()) && !listed.get(c.id()).eitherWay()) {
                passingButListed.add(c.id());
            }
        }
        assertEquals(List.of(), unexpected, "h2spec cases that neither pass on the " + what + " nor are listed");
        assertEquals(new TreeSet<String>(), passingButListed,
                "listed in h2spec/not-applicable.txt but passing on the " + what + ": take them out");
        long passedUnlisted = cases.stream()
                .filter(c -> c.outcome() == H2spec.Outcome.PASSED && !listed.containsKey(c.id())).count();
        CompatTable.check(new CompatTable.Row("h2spec, " + what + " (h2c)",
                "Go, h2spec " + Tools.goModuleVersion(H2spec.binary(), "github.com/summerwind/h2spec"), cases.size(),
                passedUnlisted + " (the other " + listed.size() + " listed as not applicable)"));
    }
}
