package io.h2splice.core.testing;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gRPC app behind a sidecar in end-to-end tests: a grpc-java (grpc-netty) server on 127.0.0.1 serving
 * {@link TestService}. Every call is recorded as a {@link ReceivedCall} (metadata, authority, deadline,
 * cancellation), findable by the {@code x-test-id} metadata the test sends. Every response carries the header
 * {@code x-served-by: <name>} so a test can tell which app answered.
 */
public final class TestApp implements AutoCloseable {

    public static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> COMPRESS_RESPONSE =
            Metadata.Key.of("x-compress-response", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RATE =
            Metadata.Key.of("x-rate-bytes-per-second", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> STALL =
            Metadata.Key.of("x-stall-millis", Metadata.ASCII_STRING_MARSHALLER);

    /** Messages up to this size are accepted (the 64 MiB test). */
    public static final int MAX_MESSAGE = 256 << 20;

    private static final Context.Key<Metadata> HEADERS = Context.key("h2splice-test-headers");
    /** The {@link ReceivedCall} of the call whose context this is (set by the recorder). */
    static final Context.Key<ReceivedCall> RECEIVED = Context.key("h2splice-test-received");

    private final String name;
    private final Server server;
    private final ScheduledExecutorService timer;
    private final Map<String, CompletableFuture<ReceivedCall>> byTestId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ReceivedCall> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Faults faults;
    /** Where {@link #main} records each arriving call's {@code x-test-id}; null in the test JVM. */
    private final FileChannel arrivalLog;

    private TestApp(String name, int port) throws IOException {
        this(name, port, null);
    }

    private TestApp(String name, int port, FileChannel arrivalLog) throws IOException {
        this.name = name;
        this.arrivalLog = arrivalLog;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-app-" + name + "-timer");
            t.setDaemon(true);
            return t;
        });
        this.faults = new Faults(name, timer);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .maxInboundMessageSize(MAX_MESSAGE)
                .maxInboundMetadataSize(4 << 20)
                .addService(testService())
                .addService(reflectionLike(TestService.REFLECTION_V1))
                .addService(reflectionLike(TestService.REFLECTION_V1ALPHA))
                .intercept(new Recorder())
                .addStreamTracerFactory(faults.tracerFactory())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
    }

    /** Starts an app named {@code name} on a free port of 127.0.0.1. */
    public static TestApp start(String name) throws IOException {
        return new TestApp(name, 0);
    }

    /**
     * The app as a process of its own, as {@code h2splice run -- java … TestApp} starts it: named by {@code APP_ID},
     * listening on {@code APP_PORT} of 127.0.0.1, until killed. With {@code TEST_APP_ARRIVALS=<file>} it appends
     * the {@code x-test-id} of every call to that file as the call arrives, one write per line, so a test that kills
     * the app with SIGKILL still knows which calls had reached it.
     */
    public static void main(String[] args) throws Exception {
        String arrivals = System.getenv("TEST_APP_ARRIVALS");
        TestApp app = new TestApp(System.getenv().getOrDefault("APP_ID", "app"),
                Integer.parseInt(System.getenv("APP_PORT")), arrivals == null ? null : FileChannel.open(
                        Path.of(arrivals), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND));
        System.out.println("test app " + app.name() + " listening on " + app.port());
        Thread.currentThread().join();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getPort();
    }

    /** Registers what {@link TestService#SCRIPTED} does when the request is {@code key}. */
    public void script(String key, Script script) {
        scripts.put(key, script);
    }

    /** What {@link TestService#FLAKY} does per attempt, and the attempts it saw. */
    public Faults faults() {
        return faults;
    }

    /** Every call received so far, in arrival order. */
    public List<ReceivedCall> calls() {
        return new ArrayList<>(calls);
    }

    /** The call received with {@code x-test-id: testId}, or null when it has not arrived (yet). */
    public ReceivedCall call(String testId) {
        CompletableFuture<ReceivedCall> f = byTestId.get(testId);
        return f == null ? null : f.getNow(null);
    }

    /** Waits for the call with {@code x-test-id: testId}; throws AssertionError naming the app when it never came. */
    public ReceivedCall awaitCall(String testId, Duration timeout) {
        try {
            return arrival(testId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("app '" + name + "' never received the call with x-test-id " + testId
                    + " within " + timeout.toMillis() + " ms; it received " + calls.size() + " call(s)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private CompletableFuture<ReceivedCall> arrival(String testId) {
        return byTestId.computeIfAbsent(testId, k -> new CompletableFuture<>());
    }

    /** Kills the app now: grpc-java's {@code shutdownNow()} closes the listener and every connection at once. */
    public void kill() {
        server.shutdownNow();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new AssertionError("test app '" + name + "' did not terminate within 5 s");
            }
        } finally {
            timer.shutdownNow();
        }
    }

    // --- services -------------------------------------------------------------------------------------------

    private ServerServiceDefinition testService() {
        return ServerServiceDefinition.builder(TestService.SERVICE)
                .addMethod(TestService.ECHO, ServerCalls.asyncUnaryCall(this::echo))
                .addMethod(TestService.SUM, ServerCalls.asyncClientStreamingCall(this::sum))
                .addMethod(TestService.FETCH, ServerCalls.asyncServerStreamingCall(this::fetch))
                .addMethod(TestService.CHAT, ServerCalls.asyncBidiStreamingCall(TestApp::chat))
                .addMethod(TestService.SCRIPTED, this::scripted)
                // registered as bidi: grpc-java's server refuses a second request message on a unary method
                .addMethod(TestService.method(TestService.FLAKY.getFullMethodName(),
                        MethodDescriptor.MethodType.BIDI_STREAMING), faults.handler())
                .addMethod(TestService.HANG, TestApp::hang)
                .addMethod(TestService.SEND_THEN_HOLD, TestApp::sendThenHold)
                .addMethod(SLOW_SINK, this::slowSink)
                .build();
    }

    private static ServerServiceDefinition reflectionLike(MethodDescriptor<byte[], byte[]> method) {
        return ServerServiceDefinition.builder(method.getServiceName())
                .addMethod(method, ServerCalls.asyncBidiStreamingCall(TestApp::chat))
                .build();
    }

    private void echo(byte[] request, StreamObserver<byte[]> out) {
        Metadata headers = HEADERS.get();
        String compression = headers == null ? null : headers.get(COMPRESS_RESPONSE);
        if (compression != null) {
            ((ServerCallStreamObserver<byte[]>) out).setCompression(compression);
        }
        out.onNext(request);
        out.onCompleted();
    }

    private StreamObserver<byte[]> sum(StreamObserver<byte[]> out) {
        ((ServerCallStreamObserver<byte[]>) out).setOnCancelHandler(() -> { });
        return new StreamObserver<>() {
            private long total;

            @Override
            public void onNext(byte[] value) {
                total += value.length;
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                out.onNext(TestService.longBytes(total));
                out.onCompleted();
            }
        };
    }

    private void fetch(byte[] request, StreamObserver<byte[]> out) {
        ByteBuffer req = ByteBuffer.wrap(request);
        int count = req.getInt();
        int size = req.getInt();
        ServerCallStreamObserver<byte[]> obs = (ServerCallStreamObserver<byte[]>) out;
        obs.setOnCancelHandler(() -> { });
        // Respect flow control: send only while the transport is ready; onReady resumes.
        Runnable pump = new Runnable() {
            private int next;
            private boolean done;

            @Override
            public void run() {
                while (!done && next < count && obs.isReady()) {
                    byte[] m = new byte[size];
                    Arrays.fill(m, (byte) next);
                    next++;
                    obs.onNext(m);
                }
                if (!done && next == count) {
                    done = true;
                    obs.onCompleted();
                }
            }
        };
        obs.setOnReadyHandler(pump);
        pump.run();
    }

    private static StreamObserver<byte[]> chat(StreamObserver<byte[]> out) {
        ((ServerCallStreamObserver<byte[]>) out).setOnCancelHandler(() -> { });
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                out.onNext(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    private ServerCall.Listener<byte[]> scripted(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.request(1);
        return new ServerCall.Listener<>() {
            private byte[] key;

            @Override
            public void onMessage(byte[] message) {
                key = message;
            }

            @Override
            public void onHalfClose() {
                String k = key == null ? "<no request>" : new String(key, StandardCharsets.UTF_8);
                Script s = scripts.get(k);
                if (s == null) {
                    call.close(Status.FAILED_PRECONDITION.withDescription("test app has no script for key " + k),
                            new Metadata());
                    return;
                }
                if (s.headers() != null || s.message() != null) {
                    call.sendHeaders(copy(s.headers()));
                }
                if (s.message() != null) {
                    call.sendMessage(s.message());
                }
                // grpc-java writes grpc-status into the trailers it is given: hand it a copy.
                call.close(s.status(), copy(s.trailers()));
            }
        };
    }

    private static ServerCall.Listener<byte[]> hang(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.request(1);
        return new ServerCall.Listener<>() { }; // never answers; Recorder notes the cancellation
    }

    private static ServerCall.Listener<byte[]> sendThenHold(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.request(1);
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                int n = ByteBuffer.wrap(message).getInt();
                call.sendHeaders(new Metadata());
                for (int i = 0; i < n; i++) {
                    call.sendMessage(TestService.intBytes(i));
                }
                // ...and keep the stream open until the test kills the app.
            }
        };
    }

    // --- slow sink ----------------------------------------------------------------------------------------------

    /** What the slow sink keeps of a message: its sequence number and length, not its bytes. */
    record Chunk(int seq, long length) {
    }

    private static final MethodDescriptor<Chunk, byte[]> SLOW_SINK =
            MethodDescriptor.newBuilder(new ChunkMarshaller(), TestService.BYTES)
                    .setFullMethodName(TestService.SLOW_SINK.getFullMethodName())
                    .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
                    .build();

    private ServerCall.Listener<Chunk> slowSink(ServerCall<Chunk, byte[]> call, Metadata headers) {
        String rateHeader = headers.get(RATE);
        double nanosPerByte = rateHeader == null ? 0 : 1e9 / Long.parseLong(rateHeader);
        String stallHeader = headers.get(STALL);
        long stallNanos = stallHeader == null ? 0 : TimeUnit.MILLISECONDS.toNanos(Long.parseLong(stallHeader));
        long start = System.nanoTime() + stallNanos; // the rate clock starts after the stall
        if (stallNanos > 0) {
            timer.schedule(() -> requestOne(call), stallNanos, TimeUnit.NANOSECONDS);
        } else {
            call.request(1);
        }
        return new ServerCall.Listener<>() {
            private long bytes;
            private long count;
            private String error;

            @Override
            public void onMessage(Chunk chunk) {
                if (error == null && chunk.seq() != (int) count) {
                    error = "message " + count + " carried sequence number " + chunk.seq();
                }
                bytes += chunk.length();
                count++;
                long delay = start + (long) (bytes * nanosPerByte) - System.nanoTime();
                if (delay > 0) {
                    timer.schedule(() -> requestOne(call), delay, TimeUnit.NANOSECONDS);
                } else {
                    call.request(1);
                }
            }

            @Override
            public void onHalfClose() {
                if (error != null) {
                    call.close(Status.DATA_LOSS.withDescription(error), new Metadata());
                    return;
                }
                call.sendHeaders(new Metadata());
                call.sendMessage(ByteBuffer.allocate(16).putLong(bytes).putLong(count).array());
                call.close(Status.OK, new Metadata());
            }
        };
    }

    private static void requestOne(ServerCall<?, ?> call) {
        try {
            call.request(1); // ServerCall.request may be called from any thread
        } catch (RuntimeException ignored) {
            // the call ended meanwhile
        }
    }

    private static final class ChunkMarshaller implements MethodDescriptor.Marshaller<Chunk> {
        @Override
        public InputStream stream(Chunk value) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public Chunk parse(InputStream stream) {
            try {
                byte[] head = stream.readNBytes(4);
                long rest = stream.transferTo(OutputStream.nullOutputStream());
                int seq = head.length == 4 ? ByteBuffer.wrap(head).getInt() : -1;
                return new Chunk(seq, head.length + rest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // --- recording ----------------------------------------------------------------------------------------------

    private final class Recorder implements ServerInterceptor {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                     ServerCallHandler<ReqT, RespT> next) {
            Deadline deadline = Context.current().getDeadline();
            ReceivedCall rc = new ReceivedCall(name, call.getMethodDescriptor().getFullMethodName(),
                    call.getAuthority(), copy(headers), System.nanoTime(),
                    deadline == null ? null : deadline.timeRemaining(TimeUnit.NANOSECONDS));
            calls.add(rc);
            if (arrivalLog != null) {
                logArrival(rc);
            }
            String id = rc.testId();
            if (id != null) {
                arrival(id).complete(rc);
            }
            ServerCall<ReqT, RespT> tagged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    responseHeaders.put(SERVED_BY, name);
                    super.sendHeaders(responseHeaders);
                }
            };
            Context ctx = Context.current().withValues(HEADERS, headers, RECEIVED, rc);
            ServerCall.Listener<ReqT> listener = Contexts.interceptCall(ctx, tagged, headers, next);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onCancel() {
                    rc.markCancelled();
                    super.onCancel();
                }

                @Override
                public void onComplete() {
                    rc.markCompleted();
                    super.onComplete();
                }
            };
        }
    }

    /** One {@code write(2)} per call: what reached the kernel survives a SIGKILL of this process. */
    private void logArrival(ReceivedCall rc) {
        byte[] line = (rc.testId() + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            synchronized (arrivalLog) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    arrivalLog.write(b);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Metadata copy(Metadata m) {
        Metadata out = new Metadata();
        if (m != null) {
            out.merge(m);
        }
        return out;
    }
}
