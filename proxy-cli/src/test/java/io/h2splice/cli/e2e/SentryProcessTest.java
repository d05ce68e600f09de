package io.h2splice.cli.e2e;

import io.h2splice.core.resolve.LocalRegistry;
import io.h2splice.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code h2splice run --sentry-address}: two h2splice sidecars get their certificates from Dapr's own Sentry (built
 * from Dapr's Go module), call each other over mTLS and keep doing so across renewals; and what a user gets wrong
 * (Sentry's identity, the trust anchors, Sentry not there) ends the start with one line naming it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SentryProcessTest extends ProcessTest {

    @Test
    void twoSidecarsWithCertificatesFromSentryCallEachOtherAcrossRenewals() throws Exception {
        Path goServer = assumeBuilt();
        Sentry sentry = Sentry.start(processes, home, home.resolve("sentry.log"), "10s");
        String appPort = Integer.toString(Processes.freePort());
        Path serverLog = home.resolve("server.log");
        Process server = processes.h2splice(sentry.env(), serverLog, "run", "--app-id", "probe", "--app-port",
                appPort, "--sentry-address", sentry.address(), "--", goServer.toString(), "--port", appPort);
        Path clientLog = home.resolve("client.log");
        Process client = processes.h2splice(sentry.env(), clientLog, "run", "--app-id", "client",
                "--sentry-address", sentry.address());
        LocalRegistry registry = new LocalRegistry(home);
        Processes.awaitRegistered(registry, "probe", server, serverLog, 60);
        var entry = Processes.awaitRegistered(registry, "client", client, clientLog, 60);
        assertTrue(Processes.logs(clientLog).contains("mTLS: identity spiffe://public/ns/default/client signed by "
                + "Dapr's Sentry at " + sentry.address()), () -> Processes.logs(clientLog));

        assertEquals(List.of(), probe(entry.grpcPort(), "before").failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("client-before.log"), clientLog, serverLog));
        // Valid 10 s, renewed at half life: both sidecars have renewed at least twice within 20 s.
        awaitRenewals(clientLog, 2, client);
        awaitRenewals(serverLog, 2, server);
        assertEquals(List.of(), probe(entry.grpcPort(), "after").failures(ProbeClient.CASES),
                () -> Processes.logs(home.resolve("client-after.log"), clientLog, serverLog));
    }

    /**
     * {@code DAPR_SENTRY_TOKEN_FILE}, as daprd reads it: Sentry configured with only its JWKS validator (a key set in a
     * file) signs for a sidecar whose token names it (audience Sentry's SPIFFE id, subject the sidecar's), and refuses
     * one whose token names another app, and one with no token, each start ending with Sentry's reason.
     */
    @Test
    void aTokenFileIsSentForSentrysJwksValidator() throws Exception {
        assumeBuilt();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair key = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        Path jwks = Files.writeString(home.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"test\","
                + "\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"" + b64(unsigned(pub.getModulus())) + "\",\"e\":\""
                + b64(unsigned(pub.getPublicExponent())) + "\"}]}");
        Sentry sentry = Sentry.start(processes, home, home.resolve("sentry.log"), "24h", """
                    tokenValidators:
                      - name: jwks
                        options:
                          source: "%s"
                """.formatted(jwks));
        String audience = "spiffe://localhost/ns/default/dapr-sentry";
        Path good = Files.writeString(home.resolve("client.jwt"),
                jwt(key, audience, "spiffe://public/ns/default/client"));

        Map<String, String> env = new HashMap<>(sentry.env());
        env.put("DAPR_SENTRY_TOKEN_FILE", good.toString());
        Path log = home.resolve("client.log");
        Process client = processes.h2splice(env, log, "run", "--app-id", "client", "--sentry-address",
                sentry.address());
        Processes.awaitRegistered(new LocalRegistry(home), "client", client, log, 60);
        assertTrue(Processes.logs(log).contains("mTLS: identity spiffe://public/ns/default/client signed by "
                + "Dapr's Sentry"), () -> Processes.logs(log, home.resolve("sentry.log")));

        assertFailsToStart(env, "no certificate from Sentry at " + sentry.address() + ": Sentry answered 7 "
                + "PERMISSION_DENIED", "--sentry-address", sentry.address()); // app 'refused', token for 'client'
        assertFailsToStart(sentry.env(), "no certificate from Sentry at " + sentry.address() + ": Sentry answered 3 "
                + "INVALID_ARGUMENT 'a validator name must be specified in this environment'",
                "--sentry-address", sentry.address());
    }

    /** An RS256 JWT for Sentry's JWKS validator. */
    private static String jwt(KeyPair key, String audience, String subject) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"test\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64(("{\"aud\":\"" + audience + "\",\"sub\":\"" + subject + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(key.getPrivate());
        sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64(sig.sign());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    @Test
    void aSentryWithAnotherIdentityIsRefusedNamingTheFlags() throws Exception {
        assumeBuilt();
        Sentry sentry = Sentry.start(processes, home, home.resolve("sentry.log"));
        assertFailsToStart(sentry.env(), "cannot set up TLS: no certificate from Sentry at " + sentry.address()
                + ": Sentry's certificate is for spiffe://localhost/ns/default/dapr-sentry, expected "
                + "spiffe://cluster.local/ns/dapr-system/dapr-sentry (--control-plane-trust-domain and "
                + "--control-plane-namespace)", "--sentry-address", sentry.address(),
                "--control-plane-trust-domain", "cluster.local", "--control-plane-namespace", "dapr-system");
    }

    @Test
    void trustAnchorsThatSentryDoesNotChainToAreRefused() throws Exception {
        assumeBuilt();
        Sentry sentry = Sentry.start(processes, home, home.resolve("sentry.log"));
        Path other = Files.createDirectories(home.resolve("other"));
        Sentry elsewhere = Sentry.start(processes, other, other.resolve("sentry.log"));
        assertFailsToStart(elsewhere.env(), "cannot set up TLS: no certificate from Sentry at " + sentry.address()
                + ": Sentry's certificate is not trusted (DAPR_TRUST_ANCHORS or --trust-anchors-file): ",
                "--sentry-address", sentry.address());
    }

    @Test
    void noSentryAtTheAddressIsReportedAfterDaprdsRetries() throws Exception {
        assumeBuilt();
        Sentry sentry = Sentry.start(processes, home, home.resolve("sentry.log"));
        String nobody = "localhost:" + Processes.freePort();
        assertFailsToStart(sentry.env(), "cannot set up TLS: no certificate from Sentry at " + nobody
                + ": Connection refused (5 attempts)", "--sentry-address", nobody);
        assertFailsToStart(Map.of(), "--sentry-address needs trust anchors: --trust-anchors-file or "
                + "DAPR_TRUST_ANCHORS", "--sentry-address", sentry.address());
    }

    private void assertFailsToStart(Map<String, String> env, String message, String... flags) throws Exception {
        Path log = Files.createTempFile(home, "refused", ".log");
        String[] args = new String[flags.length + 3];
        args[0] = "run";
        args[1] = "--app-id";
        args[2] = "refused";
        System.arraycopy(flags, 0, args, 3, flags.length);
        Process p = processes.h2splice(env, log, args);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> Processes.logs(log));
        String out = Processes.logs(log);
        assertTrue(p.exitValue() != 0 && out.contains(message), () -> "expected '" + message + "' in\n" + out);
        assertTrue(!out.contains("\tat ") && !out.contains("Exception:"), () -> "a stack trace or exception in\n" + out);
    }

    private static void awaitRenewals(Path log, int count, Process p) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < giveUp) {
            String text = Files.readString(log);
            if (text.split("mTLS: renewed certificate", -1).length - 1 >= count) {
                return;
            }
            assertTrue(p.isAlive(), () -> Processes.logs(log));
            Thread.sleep(200);
        }
        throw new AssertionError(count + " renewals expected within 40 s\n" + Processes.logs(log));
    }

    private LanguageClientsProcessTest.ClientRun probe(int port, String when) throws Exception {
        return LanguageClientsProcessTest.ClientRun.of("java", LanguageClientsProcessTest.command("java"),
                "127.0.0.1:" + port, "probe", home.resolve("client-" + when + ".log"), 120);
    }

    private static Path assumeBuilt() throws Exception {
        Path goServer = Tools.find("lang/go-server/probe-server");
        Tools.assumeBuilt(Sentry.binary() == null ? null : goServer,
                "sentry (proxy-bench/dapr/build.sh) and the Go probe server (proxy-cli/src/test/lang/build.sh)",
                Daprd.REQUIRED_ENV);
        return goServer;
    }
}
