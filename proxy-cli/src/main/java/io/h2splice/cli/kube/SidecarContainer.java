package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code daprd} container and the volumes it mounts, as JSON trees (Dapr's
 * {@code pkg/injector/patcher/sidecar_container.go}): certificates from h2splice's identity volume, or, with
 * {@code --sentry-address}, from the Dapr control plane's Sentry as daprd gets them.
 */
final class SidecarContainer {

    static final String NAME = "daprd";
    static final String IDENTITY_VOLUME = "h2splice-identity";
    static final String CONFIG_VOLUME = "h2splice-config";
    /** The in-memory volume holding the gRPC API's Unix socket, shared with the app containers (Dapr's name). */
    static final String SOCKET_VOLUME = "dapr-unix-domain-socket";
    /** The projected service-account token for Sentry's Kubernetes validator (Dapr's name). */
    static final String TOKEN_VOLUME = "dapr-identity-token";
    /** Where daprd, and h2splice in Kubernetes mode, read that token. */
    static final String TOKEN_DIR = "/var/run/secrets/dapr.io/sentrytoken";
    /** A writable {@code /tmp} under a read-only root: the JVM's and Netty's scratch files, and H2SPLICE_HOME. */
    static final String TMP_VOLUME = "h2splice-tmp";

    private SidecarContainer() {
    }

    static ObjectNode container(SidecarAnnotations a, InjectorSettings s) {
        ObjectNode c = Json.object();
        c.put("name", NAME);
        c.put("image", a.image() != null ? a.image() : s.image());
        ArrayNode args = c.putArray("args");
        DaprdArgs.of(a, s).forEach(args::add);
        ArrayNode ports = c.putArray("ports");
        ports.add(port("dapr-http", DaprdArgs.HTTP_PORT));
        ports.add(port("dapr-grpc", a.grpcPort()));
        ports.add(port("dapr-internal", a.internalPort()));
        ports.add(port("dapr-metrics", a.metricsPort()));
        c.set("env", env(a, s));
        if (!a.resources().isEmpty()) {
            c.set("resources", resources(a.resources()));
        }
        ObjectNode liveness = probe(a.liveness());
        liveness.putObject("tcpSocket").put("port", DaprdArgs.PUBLIC_PORT);
        c.set("livenessProbe", liveness);
        ObjectNode readiness = probe(a.readiness());
        readiness.putObject("httpGet").put("path", "/v1.0/healthz").put("port", DaprdArgs.PUBLIC_PORT);
        c.set("readinessProbe", readiness);
        c.set("securityContext", securityContext(a));
        c.set("volumeMounts", mounts(a, s));
        if (a.nativeSidecar()) {
            c.put("restartPolicy", "Always");
        }
        return c;
    }

    /** The pod volumes the container mounts, in order. */
    static List<ObjectNode> volumes(SidecarAnnotations a, InjectorSettings s) {
        List<ObjectNode> out = new ArrayList<>();
        ObjectNode tmp = Json.object().put("name", TMP_VOLUME);
        tmp.putObject("emptyDir");
        out.add(tmp);
        if (s.sentry() != null) {
            ObjectNode token = Json.object().put("name", TOKEN_VOLUME);
            ObjectNode source = token.putObject("projected").putArray("sources").addObject()
                    .putObject("serviceAccountToken");
            source.put("audience", s.sentry().audience()).put("expirationSeconds", 7200).put("path", "token");
            out.add(token);
        } else if (s.mtls()) {
            ObjectNode id = Json.object().put("name", IDENTITY_VOLUME);
            ObjectNode csi = id.putObject("csi").put("driver", s.identityDriver()).put("readOnly", true);
            if (InjectorSettings.CERT_MANAGER_CSI.equals(s.identityDriver())) {
                csi.set("volumeAttributes", certManagerAttributes(a, s));
            }
            out.add(id);
        }
        if (a.socketPath() != null) {
            ObjectNode socket = Json.object().put("name", SOCKET_VOLUME);
            socket.putObject("emptyDir").put("medium", "Memory");
            out.add(socket);
        }
        if (a.config() != null) {
            ObjectNode cfg = Json.object().put("name", CONFIG_VOLUME);
            cfg.putObject("configMap").put("name", a.config());
            out.add(cfg);
        }
        return out;
    }

    /**
     * What cert-manager's csi-driver asks its issuer for: h2splice's identity (the driver fills in the namespace),
     * serverAuth + clientAuth, 24 h as Sentry's workload certificates, an ECDSA P-256 key in PKCS#8; the files
     * readable by the image's group (gid {@value #IMAGE_GID}), since the sidecar runs as that non-root user.
     */
    private static ObjectNode certManagerAttributes(SidecarAnnotations a, InjectorSettings s) {
        String p = "csi.cert-manager.io/";
        return Json.object().put(p + "issuer-name", s.issuer()).put(p + "issuer-kind", s.issuerKind())
                .put(p + "issuer-group", "cert-manager.io")
                .put(p + "uri-sans", "spiffe://" + s.trustDomain() + "/ns/${POD_NAMESPACE}/" + a.appId())
                .put(p + "common-name", a.appId())
                .put(p + "key-usages", "digital signature,key encipherment,server auth,client auth")
                .put(p + "duration", "24h").put(p + "key-algorithm", "ECDSA").put(p + "key-encoding", "PKCS8")
                .put(p + "certificate-file", "tls.crt").put(p + "privatekey-file", "tls.key")
                .put(p + "ca-file", "ca.crt").put(p + "fs-group", IMAGE_GID);
    }

    /** The user and group the image runs as (deploy/Dockerfile). */
    static final String IMAGE_GID = "65532";

    private static ArrayNode mounts(SidecarAnnotations a, InjectorSettings s) {
        ArrayNode m = Json.array();
        m.addObject().put("name", TMP_VOLUME).put("mountPath", "/tmp");
        if (s.sentry() != null) {
            m.addObject().put("name", TOKEN_VOLUME).put("mountPath", TOKEN_DIR).put("readOnly", true);
        } else if (s.mtls()) {
            m.addObject().put("name", IDENTITY_VOLUME).put("mountPath", DaprdArgs.IDENTITY_DIR).put("readOnly", true);
        }
        if (a.socketPath() != null) {
            m.addObject().put("name", SOCKET_VOLUME).put("mountPath", DaprdArgs.SOCKET_DIR);
        }
        if (a.config() != null) {
            m.addObject().put("name", CONFIG_VOLUME).put("mountPath", DaprdArgs.CONFIG_DIR).put("readOnly", true);
        }
        return m;
    }

    private static ObjectNode port(String name, int number) {
        return Json.object().put("name", name).put("containerPort", number).put("protocol", "TCP");
    }

    private static ArrayNode env(SidecarAnnotations a, InjectorSettings s) {
        ArrayNode env = Json.array();
        env.add(fieldRef("NAMESPACE", "metadata.namespace"));
        env.add(fieldRef("POD_NAME", "metadata.name"));
        env.add(Json.envVar("H2SPLICE_HOME", "/tmp/h2splice"));
        if (s.sentry() != null) { // as Dapr's injector gives daprd
            env.add(Json.envVar("DAPR_TRUST_ANCHORS", s.sentry().anchorsPem()));
            env.add(Json.envVar("DAPR_CONTROLPLANE_NAMESPACE", s.sentry().namespace()));
            env.add(Json.envVar("DAPR_CONTROLPLANE_TRUST_DOMAIN", s.sentry().trustDomain()));
        }
        if (a.apiTokenSecret() != null) {
            env.add(secretRef("DAPR_API_TOKEN", a.apiTokenSecret()));
        }
        if (a.appTokenSecret() != null) {
            env.add(secretRef("APP_API_TOKEN", a.appTokenSecret()));
        }
        if (!a.env().isEmpty()) {
            for (Map.Entry<String, String> e : a.env().entrySet()) {
                env.add(Json.envVar(e.getKey(), e.getValue()));
            }
            env.add(Json.envVar("DAPR_ENV_KEYS", String.join(" ", a.env().keySet())));
        }
        return env;
    }

    private static ObjectNode fieldRef(String name, String path) {
        ObjectNode e = Json.object().put("name", name);
        e.putObject("valueFrom").putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", path);
        return e;
    }

    /** The Secret's key {@code token}, as Dapr reads the token Secrets. */
    private static ObjectNode secretRef(String name, String secret) {
        ObjectNode e = Json.object().put("name", name);
        e.putObject("valueFrom").putObject("secretKeyRef").put("name", secret).put("key", "token");
        return e;
    }

    private static ObjectNode resources(SidecarResources r) {
        ObjectNode res = Json.object();
        ObjectNode requests = Json.object();
        ObjectNode limits = Json.object();
        putIf(requests, "cpu", r.cpuRequest());
        putIf(requests, "memory", r.memoryRequest());
        putIf(limits, "cpu", r.cpuLimit());
        putIf(limits, "memory", r.memoryLimit());
        if (!requests.isEmpty()) {
            res.set("requests", requests);
        }
        if (!limits.isEmpty()) {
            res.set("limits", limits);
        }
        return res;
    }

    private static void putIf(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static ObjectNode probe(Probe p) {
        return Json.object().put("initialDelaySeconds", p.delaySeconds()).put("timeoutSeconds", p.timeoutSeconds())
                .put("periodSeconds", p.periodSeconds()).put("failureThreshold", p.failureThreshold());
    }

    private static ObjectNode securityContext(SidecarAnnotations a) {
        ObjectNode sc = Json.object();
        sc.put("allowPrivilegeEscalation", false);
        sc.put("readOnlyRootFilesystem", true);
        sc.put("runAsNonRoot", true);
        sc.putObject("capabilities").putArray("drop").add("ALL");
        sc.putObject("seccompProfile").put("type", a.seccompProfile());
        return sc;
    }
}
