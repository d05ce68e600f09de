package io.h2splice.cli.kube;

import io.h2splice.tls.ca.CaException;
import io.h2splice.tls.ca.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's serving certificate from a PEM chain and key, read again when either file's modification time
 * changes (cert-manager and Secret volume updates replace them in place), checked at each handshake. A reload that
 * fails keeps the previous pair and logs a warning. Each pair has its own alias, so a handshake that chose one
 * pair never gets the key of the next. Thread-safe: the current pair is one volatile reference.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = LoggerFactory.getLogger("io.h2splice.cli.kube");

    private record Pair(String alias, X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime) {
    }

    private final Path certFile;
    private final Path keyFile;
    private volatile Pair current;
    private volatile Pair previous;
    private int generation;

    /** @throws CaException when the files cannot be read now: the injector does not start without them */
    ReloadingKeyManager(Path certFile, Path keyFile) throws CaException {
        this.certFile = Objects.requireNonNull(certFile, "certFile");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.current = load();
    }

    private synchronized Pair load() throws CaException {
        FileTime certTime = mtime(certFile);
        FileTime keyTime = mtime(keyFile);
        List<X509Certificate> chain = Pem.readCertificates(certFile);
        if (chain.isEmpty()) {
            throw new CaException(certFile + ": no certificate");
        }
        PrivateKey key = Pem.readPrivateKey(keyFile);
        return new Pair("webhook-" + (++generation), chain.toArray(new X509Certificate[0]), key, certTime, keyTime);
    }

    private Pair pair() {
        Pair p = current;
        FileTime certTime = mtime(certFile);
        FileTime keyTime = mtime(keyFile);
        if (certTime != null && keyTime != null && (!certTime.equals(p.certTime) || !keyTime.equals(p.keyTime))) {
            synchronized (this) {
                if (current == p) {
                    try {
                        Pair next = load();
                        previous = p;
                        current = next;
                        LOG.info("Webhook certificate reloaded from {}", certFile);
                    } catch (CaException e) {
                        // keep serving the old pair; the times are remembered so the warning is not repeated
                        current = new Pair(p.alias, p.chain, p.key, certTime, keyTime);
                        LOG.warn("Webhook certificate not reloaded, keeping the previous one: {}", e.getMessage());
                    }
                }
                return current;
            }
        }
        return p;
    }

    private static FileTime mtime(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private Pair byAlias(String alias) {
        Pair c = current;
        if (c.alias.equals(alias)) {
            return c;
        }
        Pair p = previous;
        return p != null && p.alias.equals(alias) ? p : null;
    }

    private String aliasFor(String keyType) {
        Pair p = pair();
        return matches(keyType, p.key.getAlgorithm()) ? p.alias : null;
    }

    private static boolean matches(String keyType, String keyAlgorithm) {
        return keyType == null || keyType.equalsIgnoreCase(keyAlgorithm)
                || keyType.equalsIgnoreCase("EdDSA") && keyAlgorithm.startsWith("Ed");
    }

    // X509ExtendedKeyManager: server side only

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = aliasFor(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
