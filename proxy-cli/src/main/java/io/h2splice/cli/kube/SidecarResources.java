package io.h2splice.cli.kube;

/**
 * The sidecar's CPU and memory requests and limits (Kubernetes quantities, already checked), each null when its
 * {@code dapr.io/sidecar-*} annotation is absent.
 */
record SidecarResources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {

    static final SidecarResources NONE = new SidecarResources(null, null, null, null);

    boolean isEmpty() {
        return cpuRequest == null && cpuLimit == null && memoryRequest == null && memoryLimit == null;
    }
}
