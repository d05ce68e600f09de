package io.h2splice.core.e2e;

import io.h2splice.tls.MtlsForTests;

/**
 * {@link ApiTokenE2eTest}, with mTLS between the two sidecars: the token checks and stamping are the same whatever
 * the hop's security, and the caller the app sees is the verified one.
 */
class ApiTokenOverMtlsTest extends ApiTokenE2eTest {
    static {
        MtlsForTests.install();
    }
}
