package io.h2splice.cli.run;

import io.h2splice.cli.CliEnv;
import io.h2splice.cli.UsageException;
import io.h2splice.core.config.DaprConfiguration;
import io.h2splice.core.config.Mtls;
import java.time.Duration;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS part of {@code h2splice run}: mTLS between sidecars (from the local CA, Dapr's Sentry, or files) and TLS to
 * the app.
 *
 * @param mtls        {@code --enable-mtls}
 * @param certChain   {@code --cert-chain-file}, or null for the local CA
 * @param certKey     {@code --cert-key-file}, or null
 * @param anchorsFile {@code --trust-anchors-file}, or null
 * @param anchorsPem  {@code DAPR_TRUST_ANCHORS}, or null
 * @param appTls      {@code --app-protocol grpcs|https} or {@code --app-ssl}
 * @param trustDomain the trust domain of this sidecar's SPIFFE id ({@code spec.accessControl.trustDomain} of
 *                    {@code --config}, else {@code public})
 * @param certTtl     validity of the certificates the local CA issues ({@code spec.mtls.workloadCertTTL})
 * @param backdate    how far back their validity starts ({@code spec.mtls.allowedClockSkew})
 * @param offByConfig mTLS is off because {@code --config} says {@code spec.mtls.enabled: false}
 * @param sentry      {@code --sentry-address} and what goes with it, or null
 */
record TlsSettings(boolean mtls, Path certChain, Path certKey, Path anchorsFile, String anchorsPem, boolean appTls,
                   String trustDomain, Duration certTtl, Duration backdate, boolean offByConfig, SentrySource sentry) {

    /** With the defaults of a sidecar run without {@code --config}, and no Sentry. */
    TlsSettings(boolean mtls, Path certChain, Path certKey, Path anchorsFile, String anchorsPem, boolean appTls) {
        this(mtls, certChain, certKey, anchorsFile, anchorsPem, appTls, null);
    }

    private TlsSettings(boolean mtls, Path certChain, Path certKey, Path anchorsFile, String anchorsPem,
                        boolean appTls, SentrySource sentry) {
        this(mtls, certChain, certKey, anchorsFile, anchorsPem, appTls, DaprConfiguration.defaults().trustDomain(),
                Mtls.DEFAULT_TTL, Mtls.DEFAULT_CLOCK_SKEW, false, sentry);
    }

    boolean fromFiles() {
        return certChain != null;
    }

    boolean fromSentry() {
        return sentry != null;
    }

    static TlsSettings from(RunCommand f, CliEnv env, String protocol) {
        return from(f, env, protocol, DaprConfiguration.defaults());
    }

    /** mTLS is on only when both {@code --enable-mtls} and the configuration's {@code spec.mtls.enabled} say so. */
    static TlsSettings from(RunCommand f, CliEnv env, String protocol, DaprConfiguration dapr) {
        TlsSettings t = from(f, env, protocol, f.enableMtls && dapr.mtls().enabled(), !dapr.mtls().enabled());
        return new TlsSettings(t.mtls, t.certChain, t.certKey, t.anchorsFile, t.anchorsPem, t.appTls,
                dapr.trustDomain(), dapr.mtls().workloadCertTTL(), dapr.mtls().allowedClockSkew(),
                f.enableMtls && !dapr.mtls().enabled(), t.sentry);
    }

    private static TlsSettings from(RunCommand f, CliEnv env, String protocol, boolean enabled, boolean offByConfig) {
        boolean appTls = f.appSsl || protocol.equals("grpcs") || protocol.equals("https");
        String anchorsPem = env.vars().get("DAPR_TRUST_ANCHORS");
        if (anchorsPem != null && anchorsPem.isBlank()) {
            anchorsPem = null;
        }
        boolean files = f.certChainFile != null || f.certKeyFile != null || f.trustAnchorsFile != null;
        SentrySource sentry = SentrySource.from(f, env, ResolverSettings.Mode.parse(f.mode)
                == ResolverSettings.Mode.KUBERNETES);
        if (!enabled) {
            if (files || sentry != null) {
                throw new UsageException("--sentry-address, --cert-chain-file, --cert-key-file and "
                        + "--trust-anchors-file need mTLS; remove them or " + (f.enableMtls && offByConfig
                                ? "'spec.mtls.enabled: false' from --config" : "--enable-mtls=false"));
            }
            return new TlsSettings(false, null, null, null, null, appTls);
        }
        if (!files && sentry == null) {
            return new TlsSettings(true, null, null, null, null, appTls);
        }
        if (sentry != null && (f.certChainFile != null || f.certKeyFile != null)) {
            throw new UsageException("--sentry-address and --cert-chain-file/--cert-key-file both say where the "
                    + "certificate comes from: give one");
        }
        if (sentry == null && (f.certChainFile == null || f.certKeyFile == null)) {
            throw new UsageException("--cert-chain-file and --cert-key-file go together");
        }
        if (f.trustAnchorsFile == null && anchorsPem == null) {
            String who = sentry != null ? "--sentry-address needs" : "certificates from files need";
            throw new UsageException(who + " trust anchors: --trust-anchors-file or DAPR_TRUST_ANCHORS");
        }
        if (sentry == null) {
            requireFile(f.certChainFile, "--cert-chain-file");
            requireFile(f.certKeyFile, "--cert-key-file");
        }
        if (f.trustAnchorsFile != null) {
            requireFile(f.trustAnchorsFile, "--trust-anchors-file");
        }
        return new TlsSettings(true, f.certChainFile, f.certKeyFile, f.trustAnchorsFile,
                f.trustAnchorsFile == null ? anchorsPem : null, appTls, sentry);
    }

    private static void requireFile(Path p, String flag) {
        if (!Files.isRegularFile(p)) {
            throw new UsageException(flag + ": no such file: " + p);
        }
    }
}
