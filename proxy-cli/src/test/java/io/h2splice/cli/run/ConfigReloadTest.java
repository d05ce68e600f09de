package io.h2splice.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.DaprConfiguration;
import io.h2splice.core.config.Mtls;
import io.h2splice.core.config.Tracing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which changed sections a reload names as needing a restart: everything but the access list itself. */
class ConfigReloadTest {

    private static DaprConfiguration with(AccessControl ac, Mtls mtls) {
        return new DaprConfiguration(ac, Tracing.defaults(), mtls, null, true);
    }

    @Test
    void policiesAloneNeedNoRestart() {
        DaprConfiguration running = with(new AccessControl("allow", null, List.of()), Mtls.defaults());
        DaprConfiguration next = with(new AccessControl("deny", null, List.of(
                new AccessPolicy("a", "allow", "public", "default", List.of()))), Mtls.defaults());
        assertEquals(List.of(), ConfigReload.needRestart(running, next));
        assertEquals(List.of(), ConfigReload.needRestart(DaprConfiguration.defaults(), next));
    }

    @Test
    void trustDomainAndOtherSectionsNeedARestart() {
        DaprConfiguration running = with(null, Mtls.defaults());
        Mtls other = new Mtls(true, Duration.ofHours(2), Duration.ofMinutes(1));
        DaprConfiguration next = with(new AccessControl("allow", "corp.example", List.of()), other);
        assertEquals(List.of("spec.accessControl.trustDomain", "spec.mtls"), ConfigReload.needRestart(running, next));
    }
}
