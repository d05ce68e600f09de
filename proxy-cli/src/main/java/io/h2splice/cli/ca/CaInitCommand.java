package io.h2splice.cli.ca;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.Fingerprints;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Keys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code h2splice ca init}: creates the root and the issuer in {@code $H2SPLICE_HOME/ca}. */
@Command(name = "init", sortOptions = false,
        description = {
            "Create a new CA in $H2SPLICE_HOME/ca: a root and an issuer, valid 365 days, keys in files",
            "of mode 0600. Refuses to replace an existing CA unless --force is given; sidecars running",
            "with the old CA keep their certificates until they renew, and cannot then talk to",
            "sidecars renewed under the new one until those renew too."
        },
        footer = {
            "",
            "Environment:",
            "  H2SPLICE_HOME  where the CA lives, in the ca/ directory (default ~/.h2splice)",
            "",
            "Exit codes: 0 created, 1 failed (a CA exists, a file cannot be written), 2 bad flags."
        })
final class CaInitCommand implements Callable<Integer> {

    private final CliEnv env;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--force", description = "Replace the CA that is already there.")
    boolean force;

    @Option(names = "--key-algorithm", paramLabel = "ALG", defaultValue = "p256",
            description = "Key type of the root and the issuer: p256 (ECDSA P-256) or ed25519, as Dapr 1.18 "
                    + "(default: ${DEFAULT-VALUE}).")
    String keyAlgorithm;

    CaInitCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        KeyAlgorithm alg = Flags.keyAlgorithm(keyAlgorithm);
        Path dir = CaCommand.caDirectory(env);
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.init(dir, alg, force);
        } catch (CaException e) {
            env.err().println(spec.qualifiedName() + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        env.out().println("created a CA in " + dir + " (" + Keys.describe(ca.rootCertificate().getPublicKey())
                + " root and issuer, valid until " + ca.rootCertificate().getNotAfter().toInstant() + ")");
        env.out().println("root certificate: " + dir.resolve(CertificateAuthority.ROOT_CERT));
        env.out().println("root SHA-256 fingerprint: " + Fingerprints.sha256(ca.rootCertificate()));
        env.out().flush();
        return ExitCodes.OK;
    }
}
