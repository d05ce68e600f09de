package io.h2splice.cli.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code daprd} container's arguments: {@code /daprd} first, as Dapr's injector passes it (the image's entrypoint
 * drops it and runs {@code h2splice run}), then {@code h2splice run}'s own flags. Only flags that {@code h2splice run}
 * has are emitted; a flag whose annotation is absent is left out so the sidecar's default applies.
 */
final class DaprdArgs {

    /** The HTTP port ({@code /v1.0/healthz}, {@code /v1.0/metadata}); fixed, as in Dapr. */
    static final int HTTP_PORT = 3500;
    /** The public port the kubelet probes; fixed, as in Dapr. */
    static final int PUBLIC_PORT = 3501;
    /** Where the identity volume is mounted in the sidecar. */
    static final String IDENTITY_DIR = "/var/run/secrets/h2splice/identity";
    /** Where the {@code dapr.io/config} ConfigMap is mounted in the sidecar. */
    static final String CONFIG_DIR = "/var/run/h2splice/config";
    /** Where the Unix socket volume is mounted in the sidecar ({@code dapr.io/unix-domain-socket-path}), as Dapr. */
    static final String SOCKET_DIR = "/var/run/dapr-sockets";
    /** The ConfigMap key that holds the Configuration YAML. */
    static final String CONFIG_KEY = "config.yaml";

    private DaprdArgs() {
    }

    static List<String> of(SidecarAnnotations a, InjectorSettings s) {
        List<String> args = new ArrayList<>();
        args.add("/daprd");
        add(args, "--mode", "kubernetes");
        add(args, "--app-id", a.appId());
        if (a.appPort() != null) {
            add(args, "--app-port", a.appPort().toString());
        }
        add(args, "--app-protocol", a.appProtocol());
        if (a.appSsl()) {
            args.add("--app-ssl=true");
        }
        if (a.appChannelAddress() != null) {
            add(args, "--app-channel-address", a.appChannelAddress());
        }
        add(args, "--dapr-http-port", Integer.toString(HTTP_PORT));
        add(args, "--dapr-grpc-port", Integer.toString(a.grpcPort()));
        add(args, "--dapr-internal-grpc-port", Integer.toString(a.internalPort()));
        add(args, "--dapr-public-port", Integer.toString(PUBLIC_PORT));
        add(args, "--dapr-listen-addresses", a.listenAddresses());
        if (a.metricsEnabled()) {
            args.add("--enable-metrics=true");
            add(args, "--metrics-port", Integer.toString(a.metricsPort()));
        } else {
            args.add("--enable-metrics=false");
        }
        add(args, "--log-level", a.logLevel());
        if (a.logAsJson()) {
            args.add("--log-as-json=true");
        }
        if (a.apiLogging() != null) {
            args.add("--enable-api-logging=" + a.apiLogging());
        }
        if (a.maxBodySize() != null) {
            add(args, "--max-body-size", a.maxBodySize());
        }
        if (a.readBufferSize() != null) {
            add(args, "--read-buffer-size", a.readBufferSize());
        }
        if (a.socketPath() != null) { // the app mounts the same volume at the annotation's path
            add(args, "--unix-domain-socket", SOCKET_DIR);
        }
        if (a.gracefulSeconds() != null) {
            add(args, "--dapr-graceful-shutdown-seconds", a.gracefulSeconds().toString());
        }
        if (a.config() != null) {
            add(args, "--config", CONFIG_DIR + "/" + CONFIG_KEY);
        }
        if (s.mtls() && s.sentry() != null) { // the control plane's trust domain and namespace come as env, as Dapr
            args.add("--enable-mtls=true");
            add(args, "--sentry-address", s.sentry().address());
        } else if (s.mtls()) {
            args.add("--enable-mtls=true");
            add(args, "--cert-chain-file", IDENTITY_DIR + "/tls.crt");
            add(args, "--cert-key-file", IDENTITY_DIR + "/tls.key");
            add(args, "--trust-anchors-file", IDENTITY_DIR + "/ca.crt");
        } else {
            args.add("--enable-mtls=false");
        }
        return List.copyOf(args);
    }

    private static void add(List<String> args, String flag, String value) {
        args.add(flag);
        args.add(value);
    }
}
