package io.h2splice.core.e2e;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.ReceivedCall;
import io.h2splice.core.testing.Script;
import io.h2splice.core.testing.TestApp;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.DAPR_API_TOKEN;
import static io.h2splice.core.testing.GrpcCalls.DAPR_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLEE_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_APP_ID;
import static io.h2splice.core.testing.GrpcCalls.DAPR_CALLER_NAMESPACE;
import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.bin;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static io.h2splice.core.testing.Payloads.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Metadata on each hop (COMPAT.md "Headers on each hop"): custom metadata passes byte for byte both ways, the
 * {@code dapr-*} headers are removed or re-stamped, and {@code :path}, {@code :authority}, {@code user-agent} and
 * {@code grpc-encoding} pass unchanged.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetadataE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    private static byte[] allByteValues() {
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void customTextAndBinaryMetadataReachTheAppIntact() {
        Metadata md = routedTo("server");
        md.put(ascii("x-text"), "hello world, with: punctuation ~!@#$%^&*()_+{}|:<>?`-=[];',./\"");
        md.put(ascii("x-multi"), "one");
        md.put(ascii("x-multi"), "two");
        md.put(ascii("x-multi"), "three");
        md.put(ascii("x-dotted.key_name-1"), "v");
        md.put(ascii("x-empty"), "");
        md.put(bin("x-all-bytes-bin"), allByteValues());
        md.put(bin("x-multi-bin"), new byte[] {0});
        md.put(bin("x-multi-bin"), new byte[] {(byte) 0xff, 0, (byte) 0x80});
        md.put(bin("x-empty-bin"), new byte[0]);

        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertMetadataPassedOn(md, rc.headers());
    }

    @Test
    void largeBinaryMetadataSpanningContinuationFramesArrivesIntact() {
        // 96 KiB base64 is > 128 KiB of header block: several HEADERS/CONTINUATION frames at a 16 KiB frame size.
        Metadata md = routedTo("server");
        md.put(bin("x-large-bin"), random(96 * 1024, 7));
        md.put(ascii("x-large-text"), "t".repeat(32 * 1024));
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertMetadataPassedOn(md, rc.headers());
    }

    @Test
    void responseHeadersAndTrailersReachTheClientIntact() {
        Metadata headers = new Metadata();
        headers.put(ascii("x-resp-text"), "response header value");
        headers.put(ascii("x-resp-multi"), "a");
        headers.put(ascii("x-resp-multi"), "b");
        headers.put(bin("x-resp-bin"), allByteValues());
        Metadata trailers = new Metadata();
        trailers.put(ascii("x-trl-text"), "trailer value");
        trailers.put(ascii("x-trl-multi"), "1");
        trailers.put(ascii("x-trl-multi"), "2");
        trailers.put(bin("x-trl-bin"), random(3000, 3));
        byte[] message = random(20_000, 4);
        NET.get().serverApp().script("response-metadata", new Script(headers, message, Status.OK, trailers));

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.SCRIPTED, routedTo("server"),
                "response-metadata".getBytes(StandardCharsets.UTF_8));
        assertSameBytes("response message", message, r.single());
        assertMetadataPassedOn(headers, r.headers());
        assertMetadataPassedOn(trailers, r.trailers());
    }

    @Test
    void daprHeadersAreRemovedOrRestampedOnEachHop() {
        Metadata md = routedTo("server");
        md.put(DAPR_CALLER_APP_ID, "mallory");             // forged: A replaces it with its own app id
        md.put(DAPR_CALLER_NAMESPACE, "evil");             // forged: A replaces it with its namespace
        md.put(DAPR_API_TOKEN, "client-secret-token");     // no token configured: still never sent on
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        Metadata seen = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT).headers();

        List<String> problems = new ArrayList<>();
        expectValues(problems, seen, DAPR_APP_ID, List.of());
        expectValues(problems, seen, DAPR_CALLEE_APP_ID, List.of("server"));
        expectValues(problems, seen, DAPR_CALLER_APP_ID, List.of("client"));
        expectValues(problems, seen, DAPR_CALLER_NAMESPACE, List.of("default"));
        expectValues(problems, seen, DAPR_API_TOKEN, List.of());
        if (!problems.isEmpty()) {
            throw new AssertionError("headers at the app differ from COMPAT.md \"Headers on each hop\": " + problems
                    + "; all metadata the app saw: " + seen);
        }
    }

    @Test
    void pathAuthorityAndUserAgentPassUnchanged() {
        String authority = "server.example.test:8443";
        ManagedChannel viaProxies = NET.get().newChannel(b -> b.overrideAuthority(authority));
        ManagedChannel direct = NET.get().directChannel(b -> b.overrideAuthority(authority));

        Metadata proxiedMd = routedTo("server");
        GrpcCalls.unary(viaProxies, TestService.ECHO, proxiedMd, new byte[] {1}).assertOk();
        ReceivedCall proxied = NET.get().serverApp().awaitCall(proxiedMd.get(ReceivedCall.TEST_ID), WAIT);

        Metadata directMd = routedTo("server");
        GrpcCalls.unary(direct, TestService.ECHO, directMd, new byte[] {1}).assertOk();
        ReceivedCall baseline = NET.get().serverApp().awaitCall(directMd.get(ReceivedCall.TEST_ID), WAIT);

        assertEquals(TestService.ECHO.getFullMethodName(), proxied.method(), ":path at the app");
        assertEquals(authority, proxied.authority(), ":authority at the app");
        String ua = baseline.headers().get(GrpcCalls.USER_AGENT);
        assertNotNull(ua);
        assertEquals(ua, proxied.headers().get(GrpcCalls.USER_AGENT),
                "user-agent at the app, compared with the same client calling the app directly");
        assertEquals(List.of(ua), values(proxied.headers(), GrpcCalls.USER_AGENT), "user-agent values");
    }

    @Test
    void gzipCompressedCallWorksAndStaysCompressed() {
        byte[] payload = ("compressible " + "abcdefgh".repeat(1 << 16)).getBytes(StandardCharsets.UTF_8);
        Metadata md = routedTo("server");
        md.put(TestApp.COMPRESS_RESPONSE, "gzip");
        CallResult r = GrpcCalls.call(NET.get().channel(), TestService.ECHO, CallOptions.DEFAULT.withCompression("gzip"),
                md, List.of(payload));
        assertSameBytes("gzip echo", payload, r.single());
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertEquals("gzip", rc.headers().get(GrpcCalls.GRPC_ENCODING), "grpc-encoding of the request at the app");
        assertEquals("gzip", r.headers().get(GrpcCalls.GRPC_ENCODING), "grpc-encoding of the response at the client");
    }

    @Test
    void noDeadlineMeansNoGrpcTimeoutAtTheApp() {
        Metadata md = routedTo("server");
        GrpcCalls.unary(NET.get().channel(), TestService.ECHO, md, new byte[] {1}).assertOk();
        ReceivedCall rc = NET.get().serverApp().awaitCall(md.get(ReceivedCall.TEST_ID), WAIT);
        assertNull(rc.deadlineRemainingNanos(), "the proxies invented a deadline the client never set");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Every key of {@code sent} except {@code dapr-*} must have exactly the same values, in order, in {@code seen}. */
    static void assertMetadataPassedOn(Metadata sent, Metadata seen) {
        assertNotNull(seen, "no metadata received (trailers-only response?)");
        List<String> problems = new ArrayList<>();
        for (String key : sent.keys()) {
            if (key.startsWith("dapr-")) {
                continue;
            }
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                List<byte[]> want = values(sent, bin(key));
                List<byte[]> got = values(seen, bin(key));
                if (want.size() != got.size() || !allEqual(want, got)) {
                    problems.add(key + ": sent " + describeBin(want) + ", received " + describeBin(got));
                }
            } else {
                List<String> want = values(sent, ascii(key));
                List<String> got = values(seen, ascii(key));
                if (!want.equals(got)) {
                    problems.add(key + ": sent " + abbreviate(want) + ", received " + abbreviate(got));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("metadata not passed on byte for byte: " + problems);
        }
    }

    private static void expectValues(List<String> problems, Metadata seen, Metadata.Key<String> key,
                                     List<String> expected) {
        List<String> got = values(seen, key);
        if (!got.equals(expected)) {
            problems.add(key.name() + ": expected " + expected + ", got " + got);
        }
    }

    static <T> List<T> values(Metadata md, Metadata.Key<T> key) {
        List<T> out = new ArrayList<>();
        Iterable<T> all = md.getAll(key);
        if (all != null) {
            all.forEach(out::add);
        }
        return out;
    }

    private static boolean allEqual(List<byte[]> a, List<byte[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String describeBin(List<byte[]> values) {
        List<String> out = new ArrayList<>();
        for (byte[] v : values) {
            out.add(v.length + " bytes" + (v.length <= 8 ? " " + Arrays.toString(v) : ""));
        }
        return out.toString();
    }

    private static String abbreviate(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(v.length() > 60 ? v.substring(0, 60) + "...(" + v.length() + " chars)" : v);
        }
        return out.toString();
    }
}
