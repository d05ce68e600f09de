package io.h2splice.cli.e2e;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.RecordingCall;
import io.h2splice.core.testing.TestService;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The probe client of {@code proxy-cli/src/test/lang/PROBE.md} in Java, on grpc-java (raw bytes): the seed's Java
 * client, run as a process ({@code java -cp <test class path> io.h2splice.cli.e2e.ProbeClient --target ... --app-id
 * ...}) exactly as the clients in other languages, with the same output.
 */
public final class ProbeClient {

    private static final String SERVICE = "h2splice.probe.Probe/";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int MAX_MESSAGE = 64 << 20;
    private static final byte[] PROBE_BIN = {0x00, (byte) 0xff, 0x10, (byte) 0x80, 0x7f, 0x0a, 0x0d, 0x20};
    static final byte[] STATUS_DETAILS = ProbeServer.statusDetails(9, ProbeServer.FAIL_MESSAGE,
            "details please".getBytes(StandardCharsets.US_ASCII));
    static final List<String> CASES = LanguageClientsProcessTest.CASES;

    private final ManagedChannel channel;
    private final String appId;

    private ProbeClient(ManagedChannel channel, String appId) {
        this.channel = channel;
        this.appId = appId;
    }

    public static void main(String[] args) throws Exception {
        String target = null;
        String appId = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--target" -> target = args[i + 1];
                case "--app-id" -> appId = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (target == null || appId == null) {
            System.err.println("usage: ProbeClient --target HOST:PORT --app-id ID");
            System.exit(2);
        }
        ManagedChannel ch = NettyChannelBuilder.forTarget(target).usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE).build();
        boolean allPassed = true;
        ProbeClient probe = new ProbeClient(ch, appId);
        for (String name : CASES) {
            try {
                probe.run(name);
                System.out.println("CASE " + name + " PASS");
            } catch (Throwable t) {
                allPassed = false;
                System.out.println("CASE " + name + " FAIL " + String.valueOf(t.getMessage()).replaceAll("\\s+", " "));
            }
        }
        System.out.println("LIBRARY java grpc-java " + io.grpc.internal.GrpcUtil.IMPLEMENTATION_VERSION);
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.exit(allPassed ? 0 : 1);
    }

    private void run(String name) throws Exception {
        switch (name) {
            case "unary" -> {
                byte[] req = new byte[1024];
                for (int i = 0; i < req.length; i++) {
                    req[i] = (byte) i;
                }
                check(Arrays.equals(req, call("Echo", MethodType.UNARY, md(), List.of(req)).single()),
                        "the reply differs from the 1024 bytes sent");
            }
            case "server_streaming" -> {
                Metadata md = md();
                md.put(key("x-probe-count"), "5");
                md.put(key("x-probe-size"), "1024");
                CallResult r = call("ServerStream", MethodType.SERVER_STREAMING, md, List.of(new byte[0])).assertOk();
                check(r.messages().size() == 5, "expected 5 messages, got " + r.messages().size());
                for (int i = 0; i < 5; i++) {
                    byte[] want = new byte[1024];
                    Arrays.fill(want, (byte) i);
                    check(Arrays.equals(want, r.messages().get(i)), "message " + i + " is not 1024 bytes of " + i);
                }
            }
            case "client_streaming" -> {
                List<byte[]> reqs = new ArrayList<>();
                for (int n = 1; n <= 4; n++) {
                    reqs.add(new byte[1000 * n]);
                }
                String reply = new String(call("ClientStream", MethodType.CLIENT_STREAMING, md(), reqs).single(),
                        StandardCharsets.US_ASCII);
                check(reply.equals("bytes=10000;messages=4"), "expected bytes=10000;messages=4, got " + reply);
            }
            case "bidi" -> bidi();
            case "metadata" -> {
                Metadata md = md();
                md.put(key("x-probe-ascii"), "hello-ascii");
                md.put(Metadata.Key.of("x-probe-bin", Metadata.BINARY_BYTE_MARSHALLER), PROBE_BIN);
                CallResult r = call("Echo", MethodType.UNARY, md, List.of("hello".getBytes(StandardCharsets.US_ASCII)))
                        .assertOk();
                check("hello-ascii".equals(r.headers().get(key("x-probe-ascii"))), "initial x-probe-ascii: "
                        + r.headers().get(key("x-probe-ascii")));
                check(Arrays.equals(PROBE_BIN, r.headers().get(Metadata.Key.of("x-probe-bin",
                        Metadata.BINARY_BYTE_MARSHALLER))), "initial x-probe-bin differs");
                check("hello-ascii".equals(r.trailers().get(key("x-probe-ascii-t"))), "trailing x-probe-ascii-t: "
                        + r.trailers().get(key("x-probe-ascii-t")));
                check(Arrays.equals(PROBE_BIN, r.trailers().get(Metadata.Key.of("x-probe-t-bin",
                        Metadata.BINARY_BYTE_MARSHALLER))), "trailing x-probe-t-bin differs");
            }
            case "status_details" -> {
                CallResult r = call("Fail", MethodType.UNARY, md(), List.of("details please".getBytes(
                        StandardCharsets.US_ASCII)));
                check(r.status().getCode() == Status.Code.FAILED_PRECONDITION
                                && ProbeServer.FAIL_MESSAGE.equals(r.status().getDescription()),
                        "expected status 9 '" + ProbeServer.FAIL_MESSAGE + "', got " + describe(r.status()));
                byte[] details = r.trailers().get(Metadata.Key.of("grpc-status-details-bin",
                        Metadata.BINARY_BYTE_MARSHALLER));
                check(Arrays.equals(STATUS_DETAILS, details), "grpc-status-details-bin: expected "
                        + HexFormat.of().formatHex(STATUS_DETAILS) + ", got "
                        + (details == null ? "none" : HexFormat.of().formatHex(details)));
            }
            case "deadline" -> hangThenCancelled("deadline", Status.Code.DEADLINE_EXCEEDED);
            case "cancel" -> hangThenCancelled("cancel", Status.Code.CANCELLED);
            case "large_message" -> {
                byte[] req = new byte[16 << 20];
                for (int i = 0; i < req.length; i++) {
                    req[i] = (byte) (i * 31);
                }
                check(Arrays.equals(req, call("Echo", MethodType.UNARY, md(), List.of(req)).single()),
                        "the 16 MiB reply differs from the request");
            }
            case "unknown_app" -> {
                Metadata md = new Metadata();
                md.put(key("dapr-app-id"), "no-such-app");
                CallResult r = call("Echo", MethodType.UNARY, md, List.of(new byte[] {'x'}));
                check(r.status().getCode() == Status.Code.UNAVAILABLE
                                && "couldn't find service: no-such-app".equals(r.status().getDescription()),
                        "expected UNAVAILABLE 'couldn't find service: no-such-app', got " + describe(r.status()));
            }
            default -> throw new IllegalArgumentException("no case " + name);
        }
    }

    private void bidi() {
        RecordingCall c = GrpcCalls.start(channel, method("Bidi", MethodType.BIDI_STREAMING), options(), md());
        for (int i = 0; i < 3; i++) {
            byte[] ping = ("ping-" + i).getBytes(StandardCharsets.US_ASCII);
            c.send(ping);
            check(Arrays.equals(ping, c.awaitMessage(DEADLINE)), "the echo of ping-" + i + " differs");
        }
        c.halfClose();
        CallResult end = c.await(DEADLINE);
        check(end.status().isOk() && end.messages().size() == 3, "expected the stream to end OK after 3 echoes, got "
                + end.describe());
    }

    private void hangThenCancelled(String what, Status.Code want) throws Exception {
        String tag = "java-" + ProcessHandle.current().pid() + "-" + what;
        Metadata md = md();
        md.put(key("x-probe-tag"), tag);
        CallOptions options = what.equals("deadline")
                ? CallOptions.DEFAULT.withDeadlineAfter(500, TimeUnit.MILLISECONDS) : options();
        RecordingCall c = GrpcCalls.start(channel, method("Hang", MethodType.UNARY), options, md);
        c.send(new byte[0]).halfClose();
        if (what.equals("cancel")) {
            Thread.sleep(300);
            c.cancel("cancelled by the probe");
        }
        Status end = c.await(DEADLINE).status();
        check(end.getCode() == want, "expected the Hang call to end " + want + ", got " + describe(end));
        String reply = new String(call("Cancelled", MethodType.UNARY, md(), List.of(tag.getBytes(
                StandardCharsets.US_ASCII))).single(), StandardCharsets.US_ASCII);
        check(reply.equals("cancelled"), "expected Cancelled to reply 'cancelled', got " + reply);
    }

    private CallResult call(String name, MethodType type, Metadata md, List<byte[]> requests) {
        RecordingCall c = GrpcCalls.start(channel, method(name, type), options(), md);
        requests.forEach(c::send);
        c.halfClose();
        return c.await(DEADLINE.plusSeconds(5));
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .withMaxOutboundMessageSize(MAX_MESSAGE);
    }

    private Metadata md() {
        Metadata md = new Metadata();
        md.put(key("dapr-app-id"), appId);
        return md;
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
        return TestService.method(SERVICE + name, type);
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    private static String describe(Status s) {
        return s.getCode().value() + " " + s.getCode() + " '" + s.getDescription() + "'";
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
