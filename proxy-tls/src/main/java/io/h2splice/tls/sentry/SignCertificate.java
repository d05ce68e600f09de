package io.h2splice.tls.sentry;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentry's {@code dapr.proto.sentry.v1.CA/SignCertificate} ({@code dapr/proto/sentry/v1/sentry.proto} in Dapr): the
 * request h2splice sends and the parts of the response it uses.
 */
final class SignCertificate {

    static final String PATH = "/dapr.proto.sentry.v1.CA/SignCertificate";

    /** {@code SignCertificateRequest.TokenValidator}. */
    static final int UNKNOWN = 0;
    static final int KUBERNETES = 2;
    static final int JWKS = 3;

    private SignCertificate() {
    }

    /**
     * {@code SignCertificateRequest}.
     *
     * @param id             the app id Sentry puts in the SPIFFE id
     * @param token          the identity token, or empty (self-hosted: Sentry's insecure validator)
     * @param trustDomain    empty but for Dapr's control-plane services (Sentry then uses {@code public})
     * @param namespace      the sidecar's namespace
     * @param csrPem         a PEM {@code CERTIFICATE REQUEST}
     * @param tokenValidator {@link #UNKNOWN} (Sentry's default), {@link #KUBERNETES} or {@link #JWKS}
     */
    record Request(String id, String token, String trustDomain, String namespace, byte[] csrPem, int tokenValidator) {

        byte[] encode() {
            return new Protobuf.Writer().string(1, id).string(2, token).string(3, trustDomain).string(4, namespace)
                    .bytes(5, csrPem).enumValue(6, tokenValidator).toByteArray();
        }
    }

    /**
     * {@code SignCertificateResponse}: {@code workload_certificate} (the PEM chain, leaf first),
     * {@code trust_chain_certificates} and {@code valid_until}; the JWT fields are skipped.
     */
    record Response(byte[] workloadCertificate, List<byte[]> trustChain, Instant validUntil) {

        static Response decode(byte[] message) throws IOException {
            Protobuf.Reader r = new Protobuf.Reader(message);
            byte[] chain = new byte[0];
            List<byte[]> trust = new ArrayList<>();
            Instant until = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> chain = r.bytes();
                    case 2 -> trust.add(r.bytes());
                    case 3 -> until = timestamp(r.bytes());
                    default -> r.skip();
                }
            }
            return new Response(chain, List.copyOf(trust), until);
        }

        /** {@code google.protobuf.Timestamp}: seconds (1), nanos (2). */
        private static Instant timestamp(byte[] message) throws IOException {
            Protobuf.Reader r = new Protobuf.Reader(message);
            long seconds = 0;
            long nanos = 0;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> seconds = r.varint64();
                    case 2 -> nanos = r.varint64();
                    default -> r.skip();
                }
            }
            return Instant.ofEpochSecond(seconds, nanos);
        }
    }
}
