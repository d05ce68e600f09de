package io.h2splice.cli.e2e;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.h2splice.core.testing.TestService;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The probe service of {@code proxy-cli/src/test/lang/PROBE.md} in Java (grpc-java, raw bytes), the Java app behind
 * sidecar "probe" in {@link LanguageClientsProcessTest}; {@code proxy-cli/src/test/lang/go-server} is the same
 * service in Go. Each method is a plain {@link ServerCall} handler, so it can set headers and trailers of its own.
 */
final class ProbeServer implements AutoCloseable {

    static final String SERVICE = "h2splice.probe.Probe";
    static final String FAIL_MESSAGE = "the probe failed on purpose: \u263a";
    private static final int MAX_MESSAGE = 64 << 20;
    private static final long CANCELLED_WAIT_SECONDS = 5;

    private static final Metadata.Key<String> ASCII = asciiKey("x-probe-ascii");
    private static final Metadata.Key<String> ASCII_TRAILER = asciiKey("x-probe-ascii-t");
    private static final Metadata.Key<byte[]> BIN = binaryKey("x-probe-bin");
    private static final Metadata.Key<byte[]> BIN_TRAILER = binaryKey("x-probe-t-bin");
    private static final Metadata.Key<String> COUNT = asciiKey("x-probe-count");
    private static final Metadata.Key<String> SIZE = asciiKey("x-probe-size");
    private static final Metadata.Key<String> TAG = asciiKey("x-probe-tag");
    private static final Metadata.Key<byte[]> STATUS_DETAILS = binaryKey("grpc-status-details-bin");

    /** Hang calls by tag, completed when the server sees the call cancelled. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> cancelled = new ConcurrentHashMap<>();
    private final Server server;

    private ProbeServer() throws IOException {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
        add(service, "Echo", MethodType.UNARY, this::echo);
        add(service, "Fail", MethodType.UNARY, this::fail);
        add(service, "ServerStream", MethodType.SERVER_STREAMING, this::serverStream);
        add(service, "ClientStream", MethodType.CLIENT_STREAMING, this::clientStream);
        add(service, "Bidi", MethodType.BIDI_STREAMING, this::bidi);
        add(service, "Hang", MethodType.UNARY, this::hang);
        add(service, "Cancelled", MethodType.UNARY, this::wasCancelled);
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxInboundMessageSize(MAX_MESSAGE).addService(service.build()).build().start();
    }

    static ProbeServer start() throws IOException {
        return new ProbeServer();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** One call: its messages, half-close and cancellation, on grpc-java's serialized call executor. */
    private interface Body {
        void onMessage(ServerCall<byte[], byte[]> call, Metadata headers, byte[] message);

        default void onHalfClose(ServerCall<byte[], byte[]> call) {
        }

        default void onCancel(Metadata headers) {
        }
    }

    private ServerCall.Listener<byte[]> echo(ServerCall<byte[], byte[]> call, Metadata headers) {
        return listen(call, headers, (c, h, message) -> {
            Metadata head = new Metadata();
            Metadata tail = new Metadata();
            if (h.containsKey(ASCII)) {
                head.put(ASCII, h.get(ASCII));
                tail.put(ASCII_TRAILER, h.get(ASCII));
            }
            if (h.containsKey(BIN)) {
                head.put(BIN, h.get(BIN));
                tail.put(BIN_TRAILER, h.get(BIN));
            }
            c.sendHeaders(head);
            c.sendMessage(message);
            c.close(Status.OK, tail);
        });
    }

    private ServerCall.Listener<byte[]> fail(ServerCall<byte[], byte[]> call, Metadata headers) {
        return listen(call, headers, (c, h, message) -> {
            Metadata trailers = new Metadata();
            trailers.put(STATUS_DETAILS, statusDetails(Status.Code.FAILED_PRECONDITION.value(), FAIL_MESSAGE, message));
            c.close(Status.FAILED_PRECONDITION.withDescription(FAIL_MESSAGE), trailers);
        });
    }

    private ServerCall.Listener<byte[]> serverStream(ServerCall<byte[], byte[]> call, Metadata headers) {
        return listen(call, headers, (c, h, message) -> {
            int count;
            int size;
            try {
                count = Integer.parseInt(String.valueOf(h.get(COUNT)));
                size = Integer.parseInt(String.valueOf(h.get(SIZE)));
            } catch (NumberFormatException e) {
                c.close(Status.INVALID_ARGUMENT.withDescription("x-probe-count and x-probe-size must be numbers"),
                        new Metadata());
                return;
            }
            c.sendHeaders(new Metadata());
            for (int i = 0; i < count; i++) {
                byte[] out = new byte[size];
                Arrays.fill(out, (byte) i);
                c.sendMessage(out);
            }
            c.close(Status.OK, new Metadata());
        });
    }

    private ServerCall.Listener<byte[]> clientStream(ServerCall<byte[], byte[]> call, Metadata headers) {
        long[] totals = new long[2]; // bytes, messages; touched only on the call's serialized executor
        return listen(call, headers, new Body() {
            @Override
            public void onMessage(ServerCall<byte[], byte[]> c, Metadata h, byte[] message) {
                totals[0] += message.length;
                totals[1]++;
            }

            @Override
            public void onHalfClose(ServerCall<byte[], byte[]> c) {
                c.sendHeaders(new Metadata());
                c.sendMessage(("bytes=" + totals[0] + ";messages=" + totals[1]).getBytes(StandardCharsets.US_ASCII));
                c.close(Status.OK, new Metadata());
            }
        });
    }

    private ServerCall.Listener<byte[]> bidi(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.sendHeaders(new Metadata());
        return listen(call, headers, new Body() {
            @Override
            public void onMessage(ServerCall<byte[], byte[]> c, Metadata h, byte[] message) {
                c.sendMessage(message);
            }

            @Override
            public void onHalfClose(ServerCall<byte[], byte[]> c) {
                c.close(Status.OK, new Metadata());
            }
        });
    }

    private ServerCall.Listener<byte[]> hang(ServerCall<byte[], byte[]> call, Metadata headers) {
        return listen(call, headers, new Body() {
            @Override
            public void onMessage(ServerCall<byte[], byte[]> c, Metadata h, byte[] message) {
                // never answers
            }

            @Override
            public void onCancel(Metadata h) {
                seen(String.valueOf(h.get(TAG))).complete(null);
            }
        });
    }

    private ServerCall.Listener<byte[]> wasCancelled(ServerCall<byte[], byte[]> call, Metadata headers) {
        return listen(call, headers, (c, h, message) -> {
            String tag = new String(message, StandardCharsets.US_ASCII);
            // completes on the Hang call's executor or the timeout's thread; nothing else touches this call then
            seen(tag).orTimeout(CANCELLED_WAIT_SECONDS, TimeUnit.SECONDS).whenComplete((ok, timedOut) -> {
                if (timedOut != null) {
                    c.close(Status.NOT_FOUND.withDescription("no Hang call tagged " + tag + " was seen cancelled within "
                            + CANCELLED_WAIT_SECONDS + " s"), new Metadata());
                    return;
                }
                c.sendHeaders(new Metadata());
                c.sendMessage("cancelled".getBytes(StandardCharsets.US_ASCII));
                c.close(Status.OK, new Metadata());
            });
        });
    }

    private CompletableFuture<Void> seen(String tag) {
        return cancelled.computeIfAbsent(tag, t -> new CompletableFuture<>());
    }

    private static ServerCall.Listener<byte[]> listen(ServerCall<byte[], byte[]> call, Metadata headers, Body body) {
        call.request(Integer.MAX_VALUE); // a test server: every message the client sends, as it comes
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                body.onMessage(call, headers, message);
            }

            @Override
            public void onHalfClose() {
                body.onHalfClose(call);
            }

            @Override
            public void onCancel() {
                body.onCancel(headers);
            }
        };
    }

    private static void add(ServerServiceDefinition.Builder service, String method, MethodType type,
                            ServerCallHandler<byte[], byte[]> handler) {
        service.addMethod(TestService.method(SERVICE + "/" + method, type), handler);
    }

    /**
     * A {@code google.rpc.Status} {code, message, one {@code Any} holding a {@code google.protobuf.BytesValue} of
     * {@code payload}}, encoded by hand (the test has no protobuf runtime): what grpc-go's {@code status.FromProto}
     * sends in the Go server, byte for byte.
     */
    static byte[] statusDetails(int code, String message, byte[] payload) {
        byte[] bytesValue = field(1, payload);
        ByteArrayOutputStream any = new ByteArrayOutputStream();
        any.writeBytes(field(1, "type.googleapis.com/google.protobuf.BytesValue".getBytes(StandardCharsets.UTF_8)));
        any.writeBytes(field(2, bytesValue));
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        status.write(0x08); // field 1, varint
        writeVarint(status, code);
        status.writeBytes(field(2, message.getBytes(StandardCharsets.UTF_8)));
        status.writeBytes(field(3, any.toByteArray()));
        return status.toByteArray();
    }

    private static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(number << 3 | 2); // length-delimited
        writeVarint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write(value & 0x7f | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static Metadata.Key<String> asciiKey(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    private static Metadata.Key<byte[]> binaryKey(String name) {
        return Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
    }
}
