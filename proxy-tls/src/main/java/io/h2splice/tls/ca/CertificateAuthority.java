package io.h2splice.tls.ca;

import io.h2splice.tls.identity.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * h2splice's local certificate authority: a root and an issuer, kept in a directory (by default
 * {@code ~/.h2splice/ca}), that sign short-lived workload certificates for sidecars.
 *
 * <p>The directory holds {@value #ROOT_CERT}, {@value #ROOT_KEY}, {@value #ISSUER_CERT} and {@value #ISSUER_KEY}, the
 * keys as unencrypted PKCS#8 PEM; every file is mode {@code 0600} and the directory {@code 0700}. This is the layout of
 * Dapr Sentry's {@code ca.crt}/{@code issuer.crt}/{@code issuer.key} with the root key added, so
 * {@link #load} accepts a directory without {@value #ROOT_KEY} (the root key kept offline), and a
 * {@value #ROOT_CERT} with several roots (all become trust anchors) or an {@value #ISSUER_CERT} with intermediates
 * after the issuer (all go into every chain).
 *
 * <p>{@link #init} writes the directory whole or not at all: the four files go into a temporary sibling directory that
 * is then renamed into place, so a crash never leaves half a CA, and of two processes creating the same CA at once
 * exactly one wins ({@link #loadOrInit} then loads the winner's).
 *
 * <p>Immutable and thread-safe: {@link #sign} and {@link #issue} may be called from several threads at once. They
 * generate keys and compute signatures, so call them from a blocking executor, never from an event loop.
 */
public final class CertificateAuthority {

    /** Workload certificate lifetime: Dapr Sentry's {@code workloadCertTTL}. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** How far a workload certificate's notBefore lies in the past: Sentry's {@code allowedClockSkew}. */
    public static final Duration DEFAULT_BACKDATE = Duration.ofMinutes(15);
    /** Lifetime of the root and issuer that {@link #init} creates, as Sentry's self-generated ones. */
    public static final Duration CA_VALIDITY = Duration.ofDays(365);

    public static final String ROOT_CERT = "root.pem";
    public static final String ROOT_KEY = "root.key";
    public static final String ISSUER_CERT = "issuer.pem";
    public static final String ISSUER_KEY = "issuer.key";

    private final List<X509Certificate> roots;
    private final List<X509Certificate> issuerChain;
    private final PrivateKey issuerKey;
    private final Path directory;

    private CertificateAuthority(List<X509Certificate> roots, List<X509Certificate> issuerChain, PrivateKey issuerKey,
            Path directory) {
        this.roots = List.copyOf(roots);
        this.issuerChain = List.copyOf(issuerChain);
        this.issuerKey = issuerKey;
        this.directory = directory;
    }

    // === creating and loading ===

    /**
     * Creates a new root and issuer with {@code alg} keys and writes them to {@code caDir} (created with its
     * parents).
     *
     * @param force replace a CA already in {@code caDir}; without it an existing, non-empty {@code caDir} is an error
     * @throws CaException "a CA already exists in &lt;dir&gt;; use --force to replace it", or an I/O problem
     */
    public static CertificateAuthority init(Path caDir, KeyAlgorithm alg, boolean force) throws CaException {
        Objects.requireNonNull(caDir, "caDir");
        Objects.requireNonNull(alg, "alg");
        CertificateAuthority ca = create(caDir, alg, force);
        if (ca == null) {
            throw alreadyExists(caDir);
        }
        return ca;
    }

    /**
     * Loads the CA in {@code caDir} and checks it: the keys belong to their certificates, the roots and the issuer
     * are CA certificates, the issuer chain validates against the roots and nothing has expired.
     *
     * @throws CaException naming the file and the problem: missing, unreadable, mismatched, expired
     */
    public static CertificateAuthority load(Path caDir) throws CaException {
        Objects.requireNonNull(caDir, "caDir");
        if (!Files.exists(caDir)) {
            throw new CaException("no CA in " + caDir + " (the directory does not exist)");
        }
        if (!Files.isDirectory(caDir)) {
            throw new CaException(caDir + " is not a directory");
        }
        for (String name : List.of(ROOT_CERT, ISSUER_CERT, ISSUER_KEY)) {
            if (!Files.exists(caDir.resolve(name))) {
                throw new CaException("incomplete CA in " + caDir + ": " + name + " is missing");
            }
        }
        List<X509Certificate> roots = Pem.readCertificates(caDir.resolve(ROOT_CERT));
        List<X509Certificate> issuerChain = Pem.readCertificates(caDir.resolve(ISSUER_CERT));
        PrivateKey issuerKey = Pem.readPrivateKey(caDir.resolve(ISSUER_KEY));
        Path rootKeyFile = caDir.resolve(ROOT_KEY);
        if (Files.exists(rootKeyFile)) {
            PrivateKey rootKey = Pem.readPrivateKey(rootKeyFile);
            if (roots.stream().noneMatch(r -> Keys.matches(rootKey, r.getPublicKey()))) {
                throw new CaException(caDir + ": " + ROOT_KEY + " does not belong to " + ROOT_CERT);
            }
        }
        check(caDir, roots, issuerChain, issuerKey, Instant.now());
        return new CertificateAuthority(roots, issuerChain, issuerKey, caDir);
    }

    /**
     * {@link #load} when {@code caDir} holds anything, else {@link #init}: what the first {@code h2splice run} does.
     * Safe when several processes or threads do it at once: they all end up with the same CA.
     */
    public static CertificateAuthority loadOrInit(Path caDir, KeyAlgorithm alg) throws CaException {
        Objects.requireNonNull(caDir, "caDir");
        Objects.requireNonNull(alg, "alg");
        if (!isEmpty(caDir)) {
            return load(caDir);
        }
        CertificateAuthority ca = create(caDir, alg, false);
        // null: another process created it between our look and our rename; theirs is complete (renamed whole).
        return ca != null ? ca : load(caDir);
    }

    /**
     * A CA that lives only in memory, with a root of {@code rootAlg} and an issuer of {@code issuerAlg}, valid for
     * {@link #CA_VALIDITY}. For tests, and for anything that must not touch the disk.
     */
    public static CertificateAuthority generate(KeyAlgorithm rootAlg, KeyAlgorithm issuerAlg) throws CaException {
        return generated(rootAlg, issuerAlg, null).ca();
    }

    // === using ===

    /** The roots a peer's chain must lead to: every certificate of {@value #ROOT_CERT}. */
    public List<X509Certificate> trustAnchors() {
        return roots;
    }

    /** The first root: the one {@link #init} made. */
    public X509Certificate rootCertificate() {
        return roots.get(0);
    }

    /** The certificate that signs workload certificates. */
    public X509Certificate issuerCertificate() {
        return issuerChain.get(0);
    }

    /** Where the CA lives; empty for {@link #generate}d ones. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Signs a workload certificate for {@code id} and {@code key}, valid from {@code now - backdate} to
     * {@code now + ttl}, or to the issuer's own expiry if that comes first.
     *
     * @param ttl      how long it is valid from now; positive ({@link #DEFAULT_TTL})
     * @param backdate how far back it is already valid, to allow for clock skew; not negative
     *                 ({@link #DEFAULT_BACKDATE})
     * @throws CaException when the issuer has expired or the key cannot be signed
     */
    public X509Certificate sign(SpiffeId id, PublicKey key, Duration ttl, Duration backdate) throws CaException {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(backdate, "backdate");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        if (backdate.isNegative()) {
            throw new IllegalArgumentException("backdate must not be negative, got " + backdate);
        }
        Instant now = Instant.now();
        Instant issuerExpiry = issuerCertificate().getNotAfter().toInstant();
        if (!issuerExpiry.isAfter(now)) {
            throw new CaException("the issuer certificate expired at " + issuerExpiry + directory().map(
                    d -> " (" + d.resolve(ISSUER_CERT) + ")").orElse(""));
        }
        Instant notAfter = now.plus(ttl);
        return sign(id, key, now.minus(backdate), notAfter.isAfter(issuerExpiry) ? issuerExpiry : notAfter);
    }

    /**
     * Signs a workload certificate with exactly this validity, in the past or future as asked (tests use it for
     * expired and not-yet-valid certificates). Times are truncated to whole seconds, as X.509 stores them.
     *
     * @throws IllegalArgumentException when {@code notAfter} is not after {@code notBefore}
     */
    public X509Certificate sign(SpiffeId id, PublicKey key, Instant notBefore, Instant notAfter) throws CaException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        return Certificates.workload(id, key, issuerCertificate(), issuerKey, notBefore, notAfter);
    }

    /** A new {@code alg} key and its certificate from {@link #sign(SpiffeId, PublicKey, Duration, Duration)}. */
    public WorkloadCredentials issue(SpiffeId id, KeyAlgorithm alg, Duration ttl, Duration backdate)
            throws CaException {
        KeyPair kp = alg.generate();
        return credentials(kp, sign(id, kp.getPublic(), ttl, backdate));
    }

    /** A new {@code alg} key and its certificate from {@link #sign(SpiffeId, PublicKey, Instant, Instant)}. */
    public WorkloadCredentials issue(SpiffeId id, KeyAlgorithm alg, Instant notBefore, Instant notAfter)
            throws CaException {
        KeyPair kp = alg.generate();
        return credentials(kp, sign(id, kp.getPublic(), notBefore, notAfter));
    }

    /** A new P-256 key and a certificate with the defaults: {@link #DEFAULT_TTL}, {@link #DEFAULT_BACKDATE}. */
    public WorkloadCredentials issue(SpiffeId id) throws CaException {
        return issue(id, KeyAlgorithm.EC_P256, DEFAULT_TTL, DEFAULT_BACKDATE);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + (directory == null ? "in memory" : directory) + ", root "
                + Certificates.name(rootCertificate()) + " (" + Keys.describe(rootCertificate().getPublicKey())
                + "), issuer " + Certificates.name(issuerCertificate()) + " ("
                + Keys.describe(issuerCertificate().getPublicKey()) + ")]";
    }

    // === internals ===

    private WorkloadCredentials credentials(KeyPair kp, X509Certificate leaf) {
        List<X509Certificate> chain = new ArrayList<>(issuerChain.size() + 1);
        chain.add(leaf);
        chain.addAll(issuerChain);
        return new WorkloadCredentials(kp.getPrivate(), chain, roots);
    }

    /** A freshly generated CA and its root key (which the object itself does not keep). */
    private record Generated(CertificateAuthority ca, PrivateKey rootKey) {
    }

    private static Generated generated(KeyAlgorithm rootAlg, KeyAlgorithm issuerAlg, Path directory)
            throws CaException {
        Instant now = Instant.now();
        Instant notBefore = now.minus(DEFAULT_BACKDATE);
        Instant notAfter = now.plus(CA_VALIDITY);
        KeyPair rootKp = rootAlg.generate();
        X509Certificate root = Certificates.root(rootKp.getPublic(), rootKp.getPrivate(), notBefore, notAfter);
        KeyPair issuerKp = issuerAlg.generate();
        X509Certificate issuer = Certificates.issuer(issuerKp.getPublic(), root, rootKp.getPrivate(), notBefore,
                notAfter);
        return new Generated(new CertificateAuthority(List.of(root), List.of(issuer), issuerKp.getPrivate(),
                directory), rootKp.getPrivate());
    }

    /**
     * Generates a CA and renames it into {@code caDir}.
     *
     * @return the CA, or {@code null} when {@code caDir} is not empty and {@code force} is false (also when another
     *     process renamed its own CA into place first)
     */
    private static CertificateAuthority create(Path caDir, KeyAlgorithm alg, boolean force) throws CaException {
        if (Files.exists(caDir) && !Files.isDirectory(caDir)) {
            throw new CaException(caDir + " is not a directory");
        }
        if (!force && !isEmpty(caDir)) {
            return null;
        }
        Generated g = generated(alg, alg, caDir);
        Path staging = null;
        Path old = null;
        boolean installed = false;
        try {
            staging = AtomicFiles.createSiblingDirectory(caDir, "new");
            AtomicFiles.create(staging.resolve(ROOT_CERT), pem(Pem.encodeCertificates(g.ca().roots)),
                    AtomicFiles.OWNER_ONLY);
            AtomicFiles.create(staging.resolve(ROOT_KEY), pem(Pem.encodePrivateKey(g.rootKey())),
                    AtomicFiles.OWNER_ONLY);
            AtomicFiles.create(staging.resolve(ISSUER_CERT), pem(Pem.encodeCertificates(g.ca().issuerChain)),
                    AtomicFiles.OWNER_ONLY);
            AtomicFiles.create(staging.resolve(ISSUER_KEY), pem(Pem.encodePrivateKey(g.ca().issuerKey)),
                    AtomicFiles.OWNER_ONLY);
            AtomicFiles.syncDirectory(staging);
            if (force && Files.exists(caDir)) {
                // Move the old CA aside first: a directory cannot be renamed over a non-empty one.
                old = AtomicFiles.createSiblingDirectory(caDir, "old").resolve("ca");
                Files.move(caDir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                // rename(2): atomic, and replaces caDir only if that is an empty directory.
                Files.move(staging, caDir, StandardCopyOption.ATOMIC_MOVE);
                installed = true;
            } catch (IOException e) {
                if (old != null) {
                    restore(old, caDir);
                    old = null;
                }
                if (!isEmpty(caDir)) {
                    return null;
                }
                throw e;
            }
            AtomicFiles.syncDirectory(caDir.toAbsolutePath().getParent());
            return g.ca();
        } catch (IOException e) {
            throw new CaException("cannot create a CA in " + caDir + ": " + e, e);
        } finally {
            if (!installed) {
                AtomicFiles.deleteTree(staging);
            }
            if (old != null && installed) {
                AtomicFiles.deleteTree(old.getParent());
            }
        }
    }

    private static void restore(Path old, Path caDir) throws CaException {
        try {
            Files.move(old, caDir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteTree(old.getParent());
        } catch (IOException e) {
            throw new CaException("cannot replace the CA in " + caDir + "; the old one is kept in " + old);
        }
    }

    private static void check(Path caDir, List<X509Certificate> roots, List<X509Certificate> issuerChain,
            PrivateKey issuerKey, Instant now) throws CaException {
        for (int i = 0; i < roots.size(); i++) {
            if (roots.get(i).getBasicConstraints() < 0) {
                throw new CaException(caDir.resolve(ROOT_CERT) + ": certificate " + (i + 1) + " ("
                        + Certificates.name(roots.get(i)) + ") is not a CA certificate");
            }
        }
        for (int i = 0; i < roots.size(); i++) {
            Instant expiry = roots.get(i).getNotAfter().toInstant();
            if (!expiry.isAfter(now)) {
                throw new CaException(caDir.resolve(ROOT_CERT) + ": certificate " + (i + 1) + " ("
                        + Certificates.name(roots.get(i)) + ") expired at " + expiry);
            }
        }
        X509Certificate issuer = issuerChain.get(0);
        if (issuer.getBasicConstraints() < 0) {
            throw new CaException(caDir.resolve(ISSUER_CERT) + ": " + Certificates.name(issuer)
                    + " is not a CA certificate");
        }
        boolean[] usage = issuer.getKeyUsage();
        if (usage != null && (usage.length <= 5 || !usage[5])) {
            throw new CaException(caDir.resolve(ISSUER_CERT) + ": " + Certificates.name(issuer)
                    + " may not sign certificates (no keyCertSign key usage)");
        }
        if (!Keys.matches(issuerKey, issuer.getPublicKey())) {
            throw new CaException(caDir + ": " + ISSUER_KEY + " does not belong to " + ISSUER_CERT);
        }
        try {
            Keys.signatureAlgorithm(issuerKey);
        } catch (CaException e) {
            throw new CaException(caDir.resolve(ISSUER_KEY) + ": " + e.getMessage());
        }
        String problem = Chains.problem(issuerChain, roots, now);
        if (problem != null) {
            throw new CaException(caDir + ": " + ISSUER_CERT + " does not validate against " + ROOT_CERT + ": "
                    + problem);
        }
    }

    private static boolean isEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static CaException alreadyExists(Path caDir) {
        return new CaException("a CA already exists in " + caDir + "; use --force to replace it");
    }

    private static byte[] pem(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
