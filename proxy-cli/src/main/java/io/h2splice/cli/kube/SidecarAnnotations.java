package io.h2splice.cli.kube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's {@code dapr.io/*} annotations that h2splice honours, checked, with Dapr's defaults filled in (Dapr's
 * {@code pkg/injector/patcher/sidecar.go}). Null means "not given": the matching {@code h2splice run} flag is left
 * out and its own default applies.
 *
 * @param appId             {@code app-id}, else the pod's (or workload's) name
 * @param appPort           {@code app-port}, or null (the sidecar only makes calls)
 * @param appProtocol       {@code app-protocol}, default {@code http} (h2splice dials the app with gRPC either way)
 * @param appSsl            {@code app-ssl}
 * @param appChannelAddress {@code app-channel-address}, or null
 * @param config            {@code config}: the name of a ConfigMap holding the Configuration YAML, or null
 * @param logLevel          {@code log-level}, default {@code info}
 * @param logAsJson         {@code log-as-json}
 * @param apiLogging        {@code enable-api-logging}, or null
 * @param metricsEnabled    {@code enable-metrics}, default true
 * @param metricsPort       {@code metrics-port}, default 9090
 * @param grpcPort          {@code grpc-port}, default 50001
 * @param internalPort      {@code internal-grpc-port}, default 50002
 * @param listenAddresses   {@code sidecar-listen-addresses}, default {@code 127.0.0.1}
 * @param maxBodySize       {@code max-body-size}, or null
 * @param readBufferSize    {@code read-buffer-size}, or null
 * @param apiTokenSecret    {@code api-token-secret}, or null
 * @param appTokenSecret    {@code app-token-secret}, or null
 * @param gracefulSeconds   {@code graceful-shutdown-seconds}, or null (Dapr's -1: the sidecar's 5 s)
 * @param env               {@code env}, in order
 * @param resources         {@code sidecar-{cpu,memory}-{request,limit}}
 * @param liveness          {@code sidecar-liveness-probe-*}
 * @param readiness         {@code sidecar-readiness-probe-*}
 * @param image             {@code sidecar-image}, or null for the injector's image
 * @param nativeSidecar     {@code enable-native-sidecar}
 * @param seccompProfile    {@code sidecar-seccomp-profile-type}, default {@code RuntimeDefault}
 * @param socketPath        {@code unix-domain-socket-path}: where the app containers mount the directory of the
 *                          sidecar's gRPC API socket, or null (TCP)
 */
record SidecarAnnotations(String appId, Integer appPort, String appProtocol, boolean appSsl, String appChannelAddress,
                          String config, String logLevel, boolean logAsJson, Boolean apiLogging,
                          boolean metricsEnabled, int metricsPort, int grpcPort, int internalPort,
                          String listenAddresses, String maxBodySize, String readBufferSize, String apiTokenSecret,
                          String appTokenSecret, Integer gracefulSeconds, Map<String, String> env,
                          SidecarResources resources, Probe liveness, Probe readiness, String image,
                          boolean nativeSidecar, String seccompProfile, String socketPath) {

    static final String ENABLED = AnnotationReader.PREFIX + "enabled";
    static final int DEFAULT_GRPC_PORT = 50001;
    static final int DEFAULT_INTERNAL_PORT = 50002;
    static final int DEFAULT_METRICS_PORT = 9090;
    static final String DEFAULT_LISTEN_ADDRESSES = "127.0.0.1";
    /** The longest graceful shutdown {@code h2splice run} accepts. */
    static final int MAX_GRACEFUL_SECONDS = 3600;

    private static final Set<String> PROTOCOLS = Set.of("http", "grpc", "https", "grpcs", "h2c");
    private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "warning", "error", "fatal");
    private static final Set<String> SECCOMP = Set.of("runtimedefault", "unconfined");

    SidecarAnnotations {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env)); // in the annotation's order
    }

    /** Whether {@code dapr.io/enabled} is {@code "true"} (any case), as Dapr's webhook checks. */
    static boolean enabled(Map<String, String> annotations) {
        String v = annotations.get(ENABLED);
        return v != null && v.strip().equalsIgnoreCase("true");
    }

    /**
     * Reads and checks the annotations.
     *
     * @param defaultAppId the pod's or workload's name, used when {@code dapr.io/app-id} is absent; may be null
     * @throws AnnotationException listing every bad value
     */
    static SidecarAnnotations parse(Map<String, String> annotations, String defaultAppId) throws AnnotationException {
        AnnotationReader r = new AnnotationReader(annotations);
        String appId = r.appId(defaultAppId);
        Integer appPort = r.port("app-port", null);
        String protocol = r.oneOf("app-protocol", "http", PROTOCOLS);
        Integer graceful = r.integer("graceful-shutdown-seconds", null, Integer.MIN_VALUE, MAX_GRACEFUL_SECONDS,
                "seconds, at most " + MAX_GRACEFUL_SECONDS + " (negative: the default)");
        String seccomp = r.oneOf("sidecar-seccomp-profile-type", "runtimedefault", SECCOMP);
        SidecarAnnotations a = new SidecarAnnotations(appId, appPort, protocol, r.bool("app-ssl", false),
                r.text("app-channel-address"), r.objectName("config"),
                r.oneOf("log-level", "info", LOG_LEVELS), r.bool("log-as-json", false), r.optBool("enable-api-logging"),
                r.bool("enable-metrics", true), r.port("metrics-port", DEFAULT_METRICS_PORT),
                r.port("grpc-port", DEFAULT_GRPC_PORT), r.port("internal-grpc-port", DEFAULT_INTERNAL_PORT),
                r.text("sidecar-listen-addresses", DEFAULT_LISTEN_ADDRESSES), r.quantity("max-body-size"),
                r.quantity("read-buffer-size"), r.objectName("api-token-secret"), r.objectName("app-token-secret"),
                graceful == null || graceful < 0 ? null : graceful, r.env("env"),
                new SidecarResources(r.quantity("sidecar-cpu-request"), r.quantity("sidecar-cpu-limit"),
                        r.quantity("sidecar-memory-request"), r.quantity("sidecar-memory-limit")),
                r.probe("liveness", Probe.LIVENESS_DEFAULTS), r.probe("readiness", Probe.READINESS_DEFAULTS),
                r.text("sidecar-image"), r.bool("enable-native-sidecar", false),
                "unconfined".equals(seccomp) ? "Unconfined" : "RuntimeDefault",
                r.absolutePath("unix-domain-socket-path"));
        checkDistinctPorts(a, r);
        if (!r.problems().isEmpty()) {
            throw new AnnotationException(r.problems());
        }
        return a;
    }

    private static void checkDistinctPorts(SidecarAnnotations a, AnnotationReader r) {
        List<Integer> ports = List.of(a.grpcPort, a.internalPort, a.metricsPort, DaprdArgs.HTTP_PORT,
                DaprdArgs.PUBLIC_PORT);
        if (Set.copyOf(ports).size() != ports.size()) {
            r.problems().add("dapr.io/grpc-port, internal-grpc-port and metrics-port must differ from each other "
                    + "and from " + DaprdArgs.HTTP_PORT + " and " + DaprdArgs.PUBLIC_PORT + ", got " + a.grpcPort
                    + ", " + a.internalPort + ", " + a.metricsPort);
        }
        if (a.appPort != null && ports.contains(a.appPort)) {
            r.problems().add("dapr.io/app-port " + a.appPort + " is one of the sidecar's ports");
        }
    }
}
