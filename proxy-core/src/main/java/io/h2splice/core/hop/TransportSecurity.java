package io.h2splice.core.hop;

import java.util.Objects;

/**
 * The security of both kinds of hop: between sidecars (mTLS, or h2c when disabled) and from the sidecar to its app
 * (h2c, or TLS without verification for {@code --app-protocol grpcs}, as Dapr).
 */
public record TransportSecurity(HopSecurity sidecars, HopSecurity app) {

    public static final TransportSecurity PLAINTEXT = new TransportSecurity(HopSecurity.PLAINTEXT, HopSecurity.PLAINTEXT);

    public TransportSecurity {
        Objects.requireNonNull(sidecars, "sidecars");
        Objects.requireNonNull(app, "app");
    }
}
