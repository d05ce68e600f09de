package io.h2splice.core.e2e;

import io.h2splice.tls.MtlsForTests;

/** {@link CancellationE2eTest}, with mTLS between the two sidecars (certificates from the built-in CA). */
class CancellationOverMtlsTest extends CancellationE2eTest {
    static {
        MtlsForTests.install();
    }
}
