package io.h2splice.core.e2e;

import io.h2splice.tls.MtlsForTests;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link LimitsE2eTest}, with mTLS between the two sidecars (certificates from the built-in CA). */
@ExtendWith(MtlsForTests.Installed.class)
class LimitsOverMtlsTest extends LimitsE2eTest {
}
