package io.h2splice.core.trace;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * OpenTelemetry's OTLP/gRPC exporter finds its transport through this service ({@code META-INF/services}): gRPC
 * over the Netty HTTP/2 codec h2splice already ships, instead of OkHttp or grpc-java. Public only because
 * {@link java.util.ServiceLoader} needs it.
 */
public final class NettyGrpcSenderProvider implements GrpcSenderProvider {

    @Override
    public GrpcSender createSender(GrpcSenderConfig config) {
        return new NettyGrpcSender(config);
    }
}
