package io.h2splice.cli.ca;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.UsageException;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.identity.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code h2splice ca issue}: a workload key and certificate from the CA in {@code $H2SPLICE_HOME/ca}, written as
 * {@code cert.pem}, {@code key.pem} and {@code ca.pem}: what a sidecar started with certificates from files reads.
 */
@Command(name = "issue", sortOptions = false,
        description = {
            "Issue a workload certificate for spiffe://<trust-domain>/ns/<namespace>/<app-id> from the CA",
            "in $H2SPLICE_HOME/ca, with a new key. Writes, replacing what is there:",
            "  DIR/cert.pem  the certificate chain: the workload certificate, then the issuer",
            "  DIR/key.pem   the private key, PKCS#8, mode 0600",
            "  DIR/ca.pem    the trust anchors (the root)",
            "The certificate has the SPIFFE id as its only URI SAN, no subject, serverAuth and",
            "clientAuth, and is back-dated 15 minutes, as Dapr Sentry issues them.",
            ""
        },
        footer = {
            "",
            "Environment:",
            "  H2SPLICE_HOME  where the CA lives, in the ca/ directory (default ~/.h2splice)",
            "  NAMESPACE      the default for --namespace (else 'default')",
            "",
            "Exit codes: 0 written, 1 failed (no CA, a file cannot be written), 2 bad flags.",
            "",
            "Example:",
            "  h2splice ca issue --app-id server --namespace prod --out ./certs/server"
        })
final class CaIssueCommand implements Callable<Integer> {

    private final CliEnv env;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-a", "--app-id"}, required = true, paramLabel = "ID",
            description = "The app the certificate is for; no dots.")
    String appId;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
            description = "The app's namespace (default: $NAMESPACE, else 'default').")
    String namespace;

    @Option(names = "--trust-domain", paramLabel = "TD", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
            description = "The SPIFFE trust domain, as the Configuration's accessControl.trustDomain "
                    + "(default: ${DEFAULT-VALUE}).")
    String trustDomain;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
            description = "How long the certificate is valid: 24h, 90m, 1h30m, 7d; cut at the issuer's own "
                    + "expiry (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--key-algorithm", paramLabel = "ALG", defaultValue = "p256",
            description = "Key type of the new key: p256 (ECDSA P-256) or ed25519 (default: ${DEFAULT-VALUE}).")
    String keyAlgorithm;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Directory to write cert.pem, key.pem and ca.pem to; created if missing.")
    Path out;

    CaIssueCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        SpiffeId id = spiffeId();
        Duration validity = Flags.duration(ttl, "--ttl");
        if (validity.isNegative() || validity.isZero()) {
            throw new UsageException("--ttl must be positive, got '" + ttl + "'");
        }
        KeyAlgorithm alg = Flags.keyAlgorithm(keyAlgorithm);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " is a file, not a directory");
        }
        Path caDir = CaCommand.caDirectory(env);
        try {
            if (!Files.exists(caDir)) {
                throw new CaException("no CA in " + caDir + " (create one with 'h2splice ca init')");
            }
            WorkloadCredentials creds = CertificateAuthority.load(caDir).issue(id, alg, validity,
                    CertificateAuthority.DEFAULT_BACKDATE);
            createDirectories(out);
            Path cert = out.resolve("cert.pem");
            Path key = out.resolve("key.pem");
            Path anchors = out.resolve("ca.pem");
            // The key first: a cert.pem is never left pointing at a key.pem that does not match it for long.
            Pem.writePrivateKey(key, creds.key());
            Pem.writeCertificates(cert, creds.chain());
            Pem.writeCertificates(anchors, creds.trustAnchors());
            env.out().println("issued " + id + " (" + alg + "), valid from " + creds.notBefore() + " to "
                    + creds.notAfter());
            if (creds.notAfter().isBefore(creds.notBefore().plus(CertificateAuthority.DEFAULT_BACKDATE)
                    .plus(validity).minusSeconds(1))) {
                env.out().println("note: --ttl " + ttl + " was cut at the issuer's expiry");
            }
            env.out().println("  " + cert + "  certificate chain (" + creds.chain().size() + " certificates)");
            env.out().println("  " + key + "  private key");
            env.out().println("  " + anchors + "  trust anchors (" + creds.trustAnchors().size() + ")");
            env.out().flush();
            return ExitCodes.OK;
        } catch (CaException e) {
            env.err().println(spec.qualifiedName() + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private SpiffeId spiffeId() {
        String ns = namespace != null ? namespace : env.namespace();
        String nsFlag = namespace != null ? "--namespace" : "NAMESPACE";
        try {
            RegistryEntry.requireValidName(appId, "--app-id");
            RegistryEntry.requireValidName(ns, nsFlag);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            return new SpiffeId(trustDomain, ns, appId);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void createDirectories(Path dir) throws CaException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CaException("--out " + dir + ": cannot create the directory: " + e);
        }
    }
}
