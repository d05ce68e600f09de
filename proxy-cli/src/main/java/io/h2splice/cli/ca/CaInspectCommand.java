package io.h2splice.cli.ca;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.ExitCodes;
import io.h2splice.cli.UsageException;
import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code h2splice ca inspect FILE}: what an operator needs to know about each certificate in a PEM (or DER) file. */
@Command(name = "inspect",
        description = {
            "Show each certificate in FILE (PEM, one or more; or DER): subject, issuer, SPIFFE id, serial,",
            "validity (EXPIRED or not yet valid, if so), key, CA constraints, key usage, extended key",
            "usage and SHA-256 fingerprint."
        },
        footer = {
            "",
            "Exit codes: 0 shown, 2 FILE is missing or holds no certificate.",
            "",
            "Example:",
            "  h2splice ca inspect ~/.h2splice/ca/issuer.pem"
        })
final class CaInspectCommand implements Callable<Integer> {

    private final CliEnv env;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "A certificate file: cert.pem, ca.pem, root.pem…")
    Path file;

    CaInspectCommand(CliEnv env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        List<X509Certificate> certs;
        try {
            certs = Pem.readCertificates(file);
        } catch (CaException e) {
            throw new UsageException(e.getMessage());
        }
        env.out().print(CertificateReport.render(file.toString(), certs, Instant.now()));
        env.out().flush();
        return ExitCodes.OK;
    }
}
