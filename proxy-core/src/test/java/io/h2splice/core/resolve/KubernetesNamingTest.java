package io.h2splice.core.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The names Dapr's kubernetes resolver builds, and its template form. */
class KubernetesNamingTest {

    @Test
    void defaultNameIsTheHeadlessServiceAtTheInternalPort() {
        KubernetesNaming.Target t = KubernetesNaming.clusterDomain(KubernetesNaming.DEFAULT_CLUSTER_DOMAIN)
                .target("server", "production", 50002);
        assertEquals("server-dapr.production.svc.cluster.local", t.host());
        assertEquals(50002, t.port());
        assertTrue(t.absolute(), "fully qualified: no search domains");
        assertEquals("server-dapr.production.svc.cluster.local.", t.query());
    }

    @Test
    void otherClusterDomainLowerCasedAndWithoutFinalDot() {
        KubernetesNaming n = KubernetesNaming.clusterDomain(" Corp.Example. ");
        assertEquals("server-dapr.default.svc.corp.example", n.target("server", "default", 50002).host());
        assertEquals("<app-id>-dapr.<namespace>.svc.corp.example", n.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a..b", ".cluster.local", "cluster local", "clüster.local", "a/b"})
    void badClusterDomains(String domain) {
        assertThrows(IllegalArgumentException.class, () -> KubernetesNaming.clusterDomain(domain));
    }

    @Test
    void templateWithPortUsesThatPort() {
        KubernetesNaming n = KubernetesNaming.template("{{.ID}}-{{ .Namespace }}.internal:{{.Port}}");
        KubernetesNaming.Target t = n.target("server", "production", 50002);
        assertEquals("server-production.internal", t.host());
        assertEquals(50002, t.port());
        assertFalse(t.absolute(), "as Go: the system's search domains apply");

        KubernetesNaming fixed = KubernetesNaming.template("{{.ID}}.mesh.example.:7000");
        KubernetesNaming.Target f = fixed.target("server", "production", 50002);
        assertEquals("server.mesh.example", f.host());
        assertEquals(7000, f.port());
        assertTrue(f.absolute(), "a final dot makes it absolute");
    }

    @Test
    void templateWithoutPortUsesTheInternalPort() {
        KubernetesNaming.Target t = KubernetesNaming.template("{{.ID}}-dapr.{{.Namespace}}")
                .target("server", "default", 50002);
        assertEquals("server-dapr.default", t.host());
        assertEquals(50002, t.port());
    }

    @Test
    void templateOfAnIpv6Literal() {
        KubernetesNaming.Target t = KubernetesNaming.template("[::1]:{{.Port}}").target("x", "y", 50002);
        assertEquals("::1", t.host());
        assertEquals(50002, t.port());
    }

    @Test
    void unsupportedTemplateFieldsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubernetesNaming.template("{{.ID}}-{{.Data.region}}.internal:{{.Port}}"));
        assertTrue(e.getMessage().contains("{{.Data.region}} is not supported"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KubernetesNaming.template("{{.ID | printf}}"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesNaming.template("{{.ID"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesNaming.template("x}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{.ID}}:notaport", "{{.ID}}:0", "{{.ID}}:70000", "{{.ID}} dapr", "a:b:c",
            "[{{.ID}}]:1", "", ":{{.Port}}"})
    void templatesThatCannotGiveAHostAreRefusedAtStart(String template) {
        assertThrows(IllegalArgumentException.class, () -> KubernetesNaming.template(template));
    }
}
