package io.h2splice.cli.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.CliRun;
import io.h2splice.cli.ExitCodes;
import io.h2splice.tls.ca.CertificateAuthority;
import io.h2splice.tls.ca.Fingerprints;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.Keys;
import io.h2splice.tls.ca.Pem;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.identity.SpiffeId;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code h2splice ca init|issue|inspect} run in-process on a temporary {@code H2SPLICE_HOME}. */
@Timeout(60)
class CaCommandTest {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @TempDir
    Path home;

    @TempDir
    Path work;

    @Test
    void initOnAFreshHome() throws Exception {
        CliRun r = CliRun.run(home, "ca", "init");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.err());
        Path dir = home.resolve("ca");
        CertificateAuthority ca = CertificateAuthority.load(dir);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("created a CA in " + dir + " (ECDSA P-256 root and issuer, valid until "),
                r.out());
        assertEquals("root certificate: " + dir.resolve("root.pem"), lines.get(1));
        assertEquals("root SHA-256 fingerprint: " + Fingerprints.sha256(ca.rootCertificate()), lines.get(2));
        if (POSIX) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve("issuer.key"))));
        }
    }

    @Test
    void theDefaultHomeIsUnderTheUsersHome() throws Exception {
        CliRun r = CliRun.run(Map.of(), home, "ca", "init", "--key-algorithm", "ed25519");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        CertificateAuthority ca = CertificateAuthority.load(home.resolve(".h2splice/ca"));
        assertEquals(KeyAlgorithm.ED25519, Keys.keyAlgorithm(ca.rootCertificate().getPublicKey()));
        assertEquals(KeyAlgorithm.ED25519, Keys.keyAlgorithm(ca.issuerCertificate().getPublicKey()));
        assertTrue(r.out().contains("(Ed25519 root and issuer"), r.out());
    }

    @Test
    void initRefusesToOverwriteWithoutForce() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        Path dir = home.resolve("ca");
        X509Certificate root = CertificateAuthority.load(dir).rootCertificate();

        CliRun again = CliRun.run(home, "ca", "init");
        assertEquals(ExitCodes.FAILURE, again.code());
        assertEquals(List.of("h2splice ca init: a CA already exists in " + dir + "; use --force to replace it"),
                again.errLines());
        assertEquals("", again.out());
        assertEquals(root, CertificateAuthority.load(dir).rootCertificate());

        CliRun forced = CliRun.run(home, "ca", "init", "--force");
        assertEquals(ExitCodes.OK, forced.code(), forced.err());
        assertNotEquals(root, CertificateAuthority.load(dir).rootCertificate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"p256", "ed25519"})
    void issueThenInspect(String alg) throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        Path out = work.resolve("certs/server");
        CliRun r = CliRun.run(home, "ca", "issue", "--app-id", "server", "--namespace", "prod", "--key-algorithm",
                alg, "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("issued spiffe://public/ns/prod/server (" + KeyAlgorithm.fromFlag(alg)
                + "), valid from "), r.out());

        CertificateAuthority ca = CertificateAuthority.load(home.resolve("ca"));
        WorkloadCredentials creds = new WorkloadCredentials(Pem.readPrivateKey(out.resolve("key.pem")),
                Pem.readCertificates(out.resolve("cert.pem")), Pem.readCertificates(out.resolve("ca.pem")));
        creds.validate(Instant.now());
        assertEquals(new SpiffeId("public", "prod", "server"), creds.spiffeId());
        assertEquals(List.of(ca.issuerCertificate()), creds.chain().subList(1, 2));
        assertEquals(ca.trustAnchors(), creds.trustAnchors());
        assertEquals(KeyAlgorithm.fromFlag(alg), Keys.keyAlgorithm(creds.key()));
        Duration life = Duration.between(creds.notBefore(), creds.notAfter());
        assertEquals(Duration.ofHours(24).plusMinutes(15), life);
        if (POSIX) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    out.resolve("key.pem"))));
        }

        CliRun inspect = CliRun.run(home, "ca", "inspect", out.resolve("cert.pem").toString());
        assertEquals(ExitCodes.OK, inspect.code(), inspect.err());
        String text = inspect.out();
        assertTrue(text.startsWith(out.resolve("cert.pem") + ": 2 certificates\n"), text);
        String leaf = text.substring(text.indexOf("certificate 1\n"), text.indexOf("certificate 2\n"));
        assertField(leaf, "subject", "(empty)");
        assertField(leaf, "issuer", "CN=h2splice issuer CA");
        assertField(leaf, "SPIFFE id", "spiffe://public/ns/prod/server");
        String serial = field(leaf, "serial");
        assertTrue(serial.matches("[0-9a-f]{2}(:[0-9a-f]{2})*"), serial);
        assertEquals(creds.leaf().getSerialNumber(), new java.math.BigInteger(serial.replace(":", ""), 16));
        assertField(leaf, "not before", creds.notBefore().toString());
        assertField(leaf, "not after", creds.notAfter() + " (valid for 23h59m)");
        assertField(leaf, "key", KeyAlgorithm.fromFlag(alg).toString());
        assertField(leaf, "signature", "SHA256withECDSA");
        assertField(leaf, "CA", "no");
        assertField(leaf, "key usage", "digitalSignature");
        assertField(leaf, "ext key usage", "serverAuth, clientAuth");
        assertField(leaf, "SHA-256", Fingerprints.sha256(creds.leaf()));
        String issuer = text.substring(text.indexOf("certificate 2\n"));
        assertField(issuer, "SPIFFE id", "none");
        assertField(issuer, "CA", "yes, path length 0");
        assertField(issuer, "key usage", "keyCertSign, cRLSign");
        assertField(issuer, "ext key usage", "(none)");
    }

    @Test
    void issueTakesTheNamespaceFromTheEnvironmentAndATrustDomain() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        Map<String, String> vars = Map.of("H2SPLICE_HOME", home.toString(), "NAMESPACE", "staging");
        CliRun r = CliRun.run(vars, home, "ca", "issue", "-a", "web", "--trust-domain", "example.org", "--ttl", "1h30m",
                "-o", work.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        X509Certificate leaf = Pem.readCertificates(work.resolve("cert.pem")).get(0);
        assertEquals(SpiffeId.parse("spiffe://example.org/ns/staging/web"), SpiffeId.of(leaf));
        assertEquals(Duration.ofMinutes(90 + 15), Duration.between(leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant()));
        assertFalse(r.out().contains("note:"), r.out());
    }

    @Test
    void aTtlPastTheIssuerIsCutWithANote() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        CliRun r = CliRun.run(home, "ca", "issue", "-a", "web", "--ttl", "400d", "-o", work.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("note: --ttl 400d was cut at the issuer's expiry"), r.out());
        assertEquals(CertificateAuthority.load(home.resolve("ca")).issuerCertificate().getNotAfter(),
                Pem.readCertificates(work.resolve("cert.pem")).get(0).getNotAfter());
    }

    @Test
    void issueWithoutACaSaysHowToMakeOne() {
        CliRun r = CliRun.run(home, "ca", "issue", "--app-id", "x", "--out", work.toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertEquals(List.of("h2splice ca issue: no CA in " + home.resolve("ca")
                + " (create one with 'h2splice ca init')"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void issueWithABrokenCaIsOneLine() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        Files.writeString(home.resolve("ca/issuer.key"), "nothing here\n");
        CliRun r = CliRun.run(home, "ca", "issue", "--app-id", "x", "--out", work.toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertEquals(List.of("h2splice ca issue: " + home.resolve("ca/issuer.key") + ": no PRIVATE KEY block"),
                r.errLines());
    }

    @Test
    void inspectSaysExpiredAndNotYetValid() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(KeyAlgorithm.ED25519, KeyAlgorithm.ED25519);
        Instant now = Instant.now();
        SpiffeId id = new SpiffeId("public", "default", "old");
        WorkloadCredentials expired = ca.issue(id, KeyAlgorithm.EC_P256, now.minus(Duration.ofDays(3)),
                now.minus(Duration.ofDays(2)));
        WorkloadCredentials future = ca.issue(id, KeyAlgorithm.EC_P256, now.plus(Duration.ofHours(2)),
                now.plus(Duration.ofHours(3)));
        Path f = work.resolve("both.pem");
        Pem.writeCertificates(f, List.of(expired.leaf(), future.leaf()));
        CliRun r = CliRun.run(home, "ca", "inspect", f.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains(expired.notAfter() + " (EXPIRED 2d ago)"), r.out());
        assertTrue(r.out().contains(future.notAfter() + " (not yet valid: starts in 1h59m)")
                || r.out().contains(future.notAfter() + " (not yet valid: starts in 2h)"), r.out());
        assertTrue(r.out().contains("signature:      Ed25519"), r.out());
    }

    @Test
    void inspectOfSomethingThatIsNotACertificate() throws Exception {
        assertEquals(ExitCodes.OK, CliRun.run(home, "ca", "init").code());
        Path key = home.resolve("ca/root.key");
        CliRun r = CliRun.run(home, "ca", "inspect", key.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(List.of("h2splice ca inspect: " + key + ": no CERTIFICATE block (found PRIVATE KEY)"),
                r.errLines());
        Path text = Files.writeString(work.resolve("notes.txt"), "hello\n");
        r = CliRun.run(home, "ca", "inspect", text.toString());
        assertEquals(List.of("h2splice ca inspect: " + text + ": not a PEM or DER certificate"), r.errLines());
        assertEquals(ExitCodes.USAGE, r.code());
    }

    /** Each bad command line: exit 2, exactly one line on stderr containing the expected words, nothing on stdout. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "ca                                         | h2splice ca: missing command: init, issue or inspect",
        "ca frob                                    | h2splice ca: Unmatched argument at index 1: 'frob'",
        "ca init --frob                             | h2splice ca init: Unknown option: '--frob'",
        "ca init --key-algorithm rsa                | --key-algorithm: unknown key algorithm 'rsa' (use p256 or ed25519)",
        "ca init --force=maybe                      | h2splice ca init:",
        "ca issue --out OUT                         | Missing required option: '--app-id=ID'",
        "ca issue --app-id a                        | Missing required option: '--out=DIR'",
        "ca issue --app-id a.b --out OUT            | --app-id 'a.b' must not contain a dot",
        "ca issue --app-id '' --out OUT             | --app-id must not be empty",
        "ca issue -a a --namespace 'x y' --out OUT  | --namespace 'x y' must not contain",
        "ca issue -a a --trust-domain a/b --out OUT | SPIFFE trust domain 'a/b' has a character other than",
        "ca issue -a a --ttl 0s --out OUT           | --ttl must be positive, got '0s'",
        "ca issue -a a --ttl forever --out OUT      | --ttl: 'forever' is not a duration",
        "ca issue -a a --ttl 5 --out OUT            | --ttl: '5' is not a duration",
        "ca issue -a a --key-algorithm dsa --out OUT | --key-algorithm: unknown key algorithm 'dsa'",
        "ca issue -a a --out FILE                   | is a file, not a directory",
        "ca inspect                                 | Missing required parameter: 'FILE'",
        "ca inspect /no/such/file.pem               | h2splice ca inspect: /no/such/file.pem: no such file",
        "ca inspect a b                             | Unmatched argument",
    })
    void badCommandLineIsOneLineAndExitCode2(String args, String expected) throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "x");
        String[] argv = split(args.replace("OUT", work.resolve("out").toString()).replace("FILE", file.toString()));
        CliRun r = CliRun.run(home, argv);
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), "exactly one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(work.resolve("out")), "nothing written");
    }

    @ParameterizedTest
    @CsvSource({"''", "init", "issue", "inspect"})
    void helpDocumentsEveryFlag(String sub) {
        String[] argv = sub.isEmpty() ? new String[] {"ca", "--help"} : new String[] {"ca", sub, "--help"};
        CliRun r = CliRun.run(home, argv);
        assertEquals(ExitCodes.OK, r.code());
        assertEquals("", r.err());
        CommandLine cl = CaCommand.commandLine(new CliEnv(Map.of(), home, System.out, System.err));
        CommandLine command = sub.isEmpty() ? cl : cl.getSubcommands().get(sub);
        for (OptionSpec o : command.getCommandSpec().options()) {
            assertTrue(r.out().contains(o.longestName()), sub + " --help lacks " + o.longestName());
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName());
        }
        assertTrue(r.out().contains("H2SPLICE_HOME") || sub.equals("inspect"), r.out());
    }

    @Test
    void topLevelHelpListsCa() {
        CliRun r = CliRun.run(home, "--help");
        assertTrue(Pattern.compile("(?m)^  ca +Manage the local certificate authority").matcher(r.out()).find(), r.out());
    }

    private static void assertField(String block, String name, String value) {
        assertEquals(value, field(block, name), name);
    }

    private static String field(String block, String name) {
        Matcher m = Pattern.compile("^  " + Pattern.quote(name) + ": +(.*)$", Pattern.MULTILINE).matcher(block);
        assertTrue(m.find(), "no field '" + name + "' in\n" + block);
        return m.group(1);
    }

    private static String[] split(String args) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(args);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out.toArray(new String[0]);
    }
}
