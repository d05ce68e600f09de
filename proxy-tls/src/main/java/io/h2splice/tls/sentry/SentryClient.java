package io.h2splice.tls.sentry;

import io.h2splice.core.client.UnaryGrpcClient;
import io.h2splice.core.client.UnaryReply;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.Keys;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Gets this sidecar a certificate from Dapr's Sentry, as daprd does: a fresh key, a CSR with an empty subject and no
 * extensions (Sentry fills in the SPIFFE id), sent with the app id, namespace and token to {@code SignCertificate}
 * over TLS (Sentry's certificate checked by {@link SentryTrust}); 3 s per attempt, up to 5 attempts when Sentry is
 * unreachable or says UNAVAILABLE, as daprd retries. One connection per request: a request is made at start and at
 * each renewal (half the certificate's life), so none is kept open between.
 *
 * <p>Threading: {@link #sign} blocks; never call it on an event loop.
 */
public final class SentryClient {

    static final int ATTEMPTS = 5;
    static final long ATTEMPT_TIMEOUT_MILLIS = 3_000;
    private static final long BACKOFF_MILLIS = 250;

    private final SentrySettings settings;

    public SentryClient(SentrySettings settings) {
        this.settings = settings;
    }

    /**
     * A new key and the chain Sentry signed for it, validated against the trust anchors.
     *
     * @throws CaException naming Sentry's address and what went wrong, in one line
     */
    public WorkloadCredentials sign() throws CaException, InterruptedException {
        List<X509Certificate> anchors = settings.anchors().load();
        KeyPair key = settings.keyAlgorithm().generate();
        SignCertificate.Request request = new SignCertificate.Request(settings.requestId(), token(), "",
                settings.namespace(), csr(key), validator());
        SslContext ssl = sslContext(anchors);
        String failure = null;
        int attempt = 1;
        for (; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                Thread.sleep(BACKOFF_MILLIS * (attempt - 1));
            }
            UnaryGrpcClient client = new UnaryGrpcClient("h2splice-sentry", settings.host(), settings.port(), ssl,
                    (int) ATTEMPT_TIMEOUT_MILLIS, "h2splice-sentry");
            try {
                UnaryReply reply = client.call(SignCertificate.PATH, request.encode(),
                        TimeUnit.MILLISECONDS.toNanos(ATTEMPT_TIMEOUT_MILLIS))
                        .get(ATTEMPT_TIMEOUT_MILLIS + 1_000, TimeUnit.MILLISECONDS);
                if (reply.ok()) {
                    return credentials(reply.body(), key, anchors);
                }
                failure = "Sentry answered " + reply.status() + " " + statusName(reply.status())
                        + (reply.message() == null ? "" : " '" + reply.message() + "'");
                if (!retriable(reply.status())) {
                    break;
                }
            } catch (ExecutionException e) {
                failure = describe(e.getCause());
                if (refusedCertificate(e.getCause())) {
                    break;
                }
            } catch (TimeoutException e) {
                failure = "no answer within " + ATTEMPT_TIMEOUT_MILLIS + " ms";
            } finally {
                client.close();
            }
        }
        throw new CaException("no certificate from Sentry at " + settings.address() + ": " + failure
                + (attempt > ATTEMPTS ? " (" + ATTEMPTS + " attempts)" : ""));
    }

    private String token() throws CaException {
        if (settings.tokenFile() == null) {
            return "";
        }
        try {
            String token = Files.readString(settings.tokenFile());
            if (token.isEmpty()) {
                throw new CaException("the Sentry token file " + settings.tokenFile() + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new CaException("cannot read the Sentry token file " + settings.tokenFile() + ": " + e);
        }
    }

    private int validator() {
        return settings.tokenFile() == null ? SignCertificate.UNKNOWN
                : settings.kubernetesToken() ? SignCertificate.KUBERNETES : SignCertificate.JWKS;
    }

    /** A PEM {@code CERTIFICATE REQUEST} for {@code key}, with an empty subject, as daprd sends. */
    static byte[] csr(KeyPair key) throws CaException {
        try {
            byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                    key.getPublic()).build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(key.getPrivate()))
                    .build(key.getPrivate())).getEncoded();
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
            return ("-----BEGIN CERTIFICATE REQUEST-----\n" + body + "\n-----END CERTIFICATE REQUEST-----\n")
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (OperatorCreationException | IOException e) {
            throw new CaException("cannot make a certificate request: " + e.getMessage(), e);
        }
    }

    private SslContext sslContext(List<X509Certificate> anchors) throws CaException {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm(null) // Sentry's SPIFFE id is checked instead (SentryTrust)
                    .trustManager(new SentryTrust(anchors, settings.sentryId()))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .applicationProtocolConfig(UnaryGrpcClient.ALPN_H2)
                    .build();
        } catch (SSLException e) {
            throw new CaException("cannot set up TLS to Sentry: " + e.getMessage(), e);
        }
    }

    private WorkloadCredentials credentials(byte[] body, KeyPair key, List<X509Certificate> anchors)
            throws CaException {
        SignCertificate.Response response;
        try {
            response = SignCertificate.Response.decode(body);
        } catch (IOException e) {
            throw new CaException("Sentry at " + settings.address() + " answered a message h2splice cannot read: "
                    + e.getMessage());
        }
        String source = "the workload certificate from Sentry at " + settings.address();
        List<X509Certificate> chain = Pem.parseCertificates(
                new String(response.workloadCertificate(), StandardCharsets.US_ASCII), source);
        WorkloadCredentials credentials = new WorkloadCredentials(key.getPrivate(), chain, anchors);
        credentials.validate(Instant.now());
        return credentials;
    }

    private static boolean retriable(int status) {
        return status == 14 || status == 8 || status == 4; // UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED
    }

    private static String statusName(int status) {
        return status >= 0 && status < ProxyMetrics.STATUS_NAMES.length ? ProxyMetrics.STATUS_NAMES[status] : "";
    }

    /** A certificate Sentry or h2splice refused will be refused again: no point retrying. */
    private static boolean refusedCertificate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException || c instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    /** The most telling message of a failure: ours from {@link SentryTrust} if it is in the chain. */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
