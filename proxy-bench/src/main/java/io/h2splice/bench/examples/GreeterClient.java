package io.h2splice.bench.examples;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The helloworld Greeter client of Dapr's "invoke with gRPC" how-to: calls its local sidecar with the metadata
 * {@code dapr-app-id: <target>} and a 2 s deadline, prints {@code Greeting: <message>} and exits 0; on failure
 * prints the gRPC status to standard error and exits 1. While sidecars start, an {@code UNAVAILABLE} answer is
 * retried (backing off from 100 ms to 1 s) for up to about 5 s.
 *
 * <pre>
 * GreeterClient [--addr host:port] [--app-id id] [--name name] [app-id [name]]
 * </pre>
 * Defaults: address {@code 127.0.0.1:$DAPR_GRPC_PORT} (50001 when unset), app id {@code server}, name
 * {@code world}.
 */
public final class GreeterClient {

    static final Duration DEADLINE = Duration.ofSeconds(2);
    static final Duration RETRY_UNAVAILABLE_FOR = Duration.ofSeconds(5);
    static final Metadata.Key<String> DAPR_APP_ID = Metadata.Key.of("dapr-app-id", Metadata.ASCII_STRING_MARSHALLER);

    /** The parsed command line. */
    record Options(String address, String appId, String name) {

        static Options parse(String[] args, Map<String, String> env) {
            String port = env.get("DAPR_GRPC_PORT");
            String address = "127.0.0.1:" + (port == null || port.isBlank() ? "50001" : port.trim());
            String appId = null;
            String name = null;
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("-") || a.equals("-")) {
                    positional.add(a);
                    continue;
                }
                String flag = a.startsWith("--") ? a.substring(2) : a.substring(1);
                String value;
                int eq = flag.indexOf('=');
                if (eq >= 0) {
                    value = flag.substring(eq + 1);
                    flag = flag.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value for " + a);
                }
                switch (flag) {
                    case "addr", "address" -> address = value;
                    case "app-id", "a" -> appId = value;
                    case "name" -> name = value;
                    default -> throw new IllegalArgumentException("unknown flag: " + a);
                }
            }
            if (positional.size() > 2) {
                throw new IllegalArgumentException("unexpected argument: " + positional.get(2));
            }
            if (appId == null && !positional.isEmpty()) {
                appId = positional.get(0);
            }
            if (name == null && positional.size() > 1) {
                name = positional.get(1);
            }
            return new Options(address, appId == null ? "server" : appId, name == null ? "world" : name);
        }
    }

    private GreeterClient() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(Options.parse(args, System.getenv()), System.out, System.err, RETRY_UNAVAILABLE_FOR);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: GreeterClient [--addr host:port] [--app-id id] [--name name] [app-id [name]]");
            code = 2;
        }
        System.exit(code);
    }

    /** Makes the call; returns the exit code. */
    static int run(Options options, PrintStream out, PrintStream err, Duration retryUnavailableFor) {
        ManagedChannel managed = NettyChannelBuilder.forTarget(options.address()).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(DAPR_APP_ID, options.appId());
            Channel channel = ClientInterceptors.intercept(managed, MetadataUtils.newAttachHeadersInterceptor(headers));
            HelloRequest request = new HelloRequest(options.name());
            long giveUpAt = System.nanoTime() + retryUnavailableFor.toNanos();
            long backoffMillis = 100;
            while (true) {
                try {
                    HelloReply reply = ClientCalls.blockingUnaryCall(channel, Greeter.SAY_HELLO,
                            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), request);
                    out.println("Greeting: " + reply.message());
                    out.flush();
                    return 0;
                } catch (StatusRuntimeException e) {
                    Status status = e.getStatus();
                    boolean retry = status.getCode() == Status.Code.UNAVAILABLE
                            && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) < giveUpAt;
                    if (!retry) {
                        err.println("could not greet: " + describe(status));
                        err.flush();
                        return 1;
                    }
                    Thread.sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 1000);
                    // after a refused connection the channel waits out its own reconnect backoff (1 s, 1.6 s, ...)
                    // and fails calls fast meanwhile; make the next call dial again
                    managed.resetConnectBackoff();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("could not greet: interrupted");
            return 1;
        } finally {
            managed.shutdownNow();
            try {
                managed.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code CODE: description}, as grpc-go prints a status ({@code rpc error: code = ... desc = ...}). */
    static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().name()
                : status.getCode() + ": " + status.getDescription();
    }
}
