package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the injector sends the {@code <app-id>-dapr} Service of a pod it patched. Implementations must return at
 * once and never throw: a Service that cannot be made never delays or blocks a pod's admission.
 */
interface ServiceSink {

    /** Drops every Service: {@code --manage-services=false}. */
    ServiceSink NONE = service -> { };

    /** Creates or updates {@code service} (a {@link DaprService} tree with its namespace set), later. */
    void submit(ObjectNode service);
}
