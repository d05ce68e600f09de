package io.h2splice.core.e2e;

import io.h2splice.tls.MtlsForTests;

/** {@link LimitsE2eTest}, with mTLS between the two sidecars (certificates from the built-in CA). */
class LimitsOverMtlsTest extends LimitsE2eTest {
    static {
        MtlsForTests.install();
    }
}
