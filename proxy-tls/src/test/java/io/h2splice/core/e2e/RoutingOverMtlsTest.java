package io.h2splice.core.e2e;

import io.h2splice.tls.MtlsForTests;

/** {@link RoutingE2eTest}, with mTLS between the two sidecars (certificates from the built-in CA). */
class RoutingOverMtlsTest extends RoutingE2eTest {
    static {
        MtlsForTests.install();
    }
}
