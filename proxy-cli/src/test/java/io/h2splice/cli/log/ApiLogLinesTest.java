package io.h2splice.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.TwoSidecars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@code --enable-api-logging} through two real sidecars in this JVM (client → A's API listener → B's internal
 * listener → app), with the process's logging installed as {@code run} installs it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiLogLinesTest {

    static final String SECRET = "secret-xyz";
    static final byte[] SECRET_BIN = "bin-secret-\u0001\u0002-xyz".getBytes(StandardCharsets.ISO_8859_1);
    private static final MethodDescriptor<byte[], byte[]> MISSING =
            TestService.method(TestService.SERVICE + "/NoSuchMethod", MethodDescriptor.MethodType.UNARY);

    @AfterEach
    void backToDefault() {
        LogSetup.close();
    }

    @Test
    void oneInfoLineOnTheApiListenerAndADebugLineOnTheInternalOne() throws Exception {
        ByteArrayOutputStream buf = runCalls(LogLevel.DEBUG, true);
        List<JsonNode> calls = LogPipelineTest.lines(buf).stream()
                .filter(j -> j.get("msg").asText().equals("gRPC API Called")).toList();
        List<JsonNode> api = calls.stream().filter(j -> j.get("scope").asText().equals("dapr.runtime.grpc.api-info"))
                .toList();
        List<JsonNode> internal = calls.stream()
                .filter(j -> j.get("scope").asText().equals("dapr.runtime.grpc.internal-info")).toList();
        assertEquals(2, api.size(), () -> "one per call on A's API listener: " + buf);
        assertEquals(2, internal.size(), () -> "one per call on B's internal listener: " + buf);
        assertEquals(4, calls.size(), buf::toString);

        JsonNode ok = api.stream().filter(j -> j.get("method").asText().endsWith("/Echo")).findFirst().orElseThrow();
        assertEquals("info", ok.get("level").asText());
        assertEquals("request", ok.get("type").asText());
        assertEquals("/" + TestService.ECHO.getFullMethodName(), ok.get("method").asText());
        assertTrue(ok.get("code").isInt() && ok.get("code").asInt() == 0, ok::toString);
        assertTrue(ok.get("duration").isIntegralNumber() && ok.get("duration").asLong() >= 0, ok::toString);
        assertTrue(ok.get("useragent").asText().startsWith("h2splice-e2e grpc-java-netty/"), ok::toString);
        assertEquals(TwoSidecars.CLIENT, ok.get("caller").asText(), "A stamps its own app as the caller");
        assertEquals(TwoSidecars.SERVER, ok.get("target").asText());
        assertEquals("test-app", ok.get("app_id").asText());
        assertEquals("host-1", ok.get("instance").asText());

        JsonNode failed = api.stream().filter(j -> j.get("method").asText().endsWith("/NoSuchMethod")).findFirst()
                .orElseThrow();
        assertEquals(Status.Code.UNIMPLEMENTED.value(), failed.get("code").asInt(), failed::toString);

        for (JsonNode in : internal) {
            assertEquals("debug", in.get("level").asText(), "daprd logs nothing for its internal port: debug only");
            assertEquals(TwoSidecars.CLIENT, in.get("caller").asText(), "B logs who called it");
            assertEquals(TwoSidecars.SERVER, in.get("target").asText());
        }
    }

    /** A call the caller's sidecar answers itself (no dapr-app-id) is logged with its status, as daprd's API server. */
    @Test
    void aCallTheSidecarRejectsIsLoggedToo() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LogSetup.install(LogLevel.INFO, true, LogPipelineTest.FIELDS, new PrintStream(buf, true, StandardCharsets.UTF_8),
                LogSetup.QUEUE_LINES);
        try (TwoSidecars t = TwoSidecars.builder().configureA(c -> c.withApiLogging(true)).start()) {
            CallResult r = GrpcCalls.unary(t.channel(), TestService.ECHO, new Metadata(), "hi".getBytes());
            assertEquals(Status.Code.INVALID_ARGUMENT, r.status().getCode(), r::describe);
        }
        LogSetup.close();
        List<JsonNode> calls = LogPipelineTest.lines(buf).stream()
                .filter(j -> j.get("msg").asText().equals("gRPC API Called")).toList();
        assertEquals(1, calls.size(), buf::toString);
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), calls.get(0).get("code").asInt(), calls.get(0)::toString);
        assertEquals("/" + TestService.ECHO.getFullMethodName(), calls.get(0).get("method").asText());
    }

    @Test
    void atInfoTheInternalListenerIsQuietAsDaprs() throws Exception {
        ByteArrayOutputStream buf = runCalls(LogLevel.INFO, false);
        List<String> calls = buf.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(" msg=\"gRPC API Called\" ")).toList();
        assertEquals(2, calls.size(), buf::toString);
        for (String l : calls) {
            assertTrue(l.matches("time=\"[^\"]+\" level=info msg=\"gRPC API Called\" app_id=test-app caller=client "
                    + "code=(0|12) duration=\\d+ instance=host-1 method=/h2splice\\.test\\.TestService/\\w+ "
                    + "scope=dapr\\.runtime\\.grpc\\.api-info target=server type=request "
                    + "useragent=\"h2splice-e2e grpc-java-netty/[^\"]+\" ver=1\\.2\\.3"), l);
        }
    }

    @ParameterizedTest(name = "json={0}")
    @ValueSource(booleans = {false, true})
    void noTokenAuthorizationOrBinaryValueIsEverLoggedEvenAtDebug(boolean json) throws Exception {
        String out = runCalls(LogLevel.DEBUG, json).toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("gRPC API Called"), out);
        assertFalse(out.contains(SECRET), out);
        assertFalse(out.contains(Base64.getEncoder().withoutPadding().encodeToString(SECRET_BIN)), out);
        assertFalse(out.contains(Base64.getEncoder().encodeToString(SECRET_BIN)), out);
        assertFalse(out.contains("bin-secret"), out);
    }

    /** Two calls through A then B, each with a token, an authorization and a -bin value; then everything stops. */
    private static ByteArrayOutputStream runCalls(LogLevel level, boolean json) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LogSetup.install(level, json, LogPipelineTest.FIELDS, new PrintStream(buf, true, StandardCharsets.UTF_8),
                LogSetup.QUEUE_LINES);
        // The grpc-java client and app of this test share the JVM (never the sidecar's process): their Netty frame
        // logs print every header at debug. Only the sidecars' lines are under test here; ApiLoggingProcessTest
        // checks a sidecar's whole output in its own process.
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.grpc").setLevel(Level.INFO);
        try (TwoSidecars t = TwoSidecars.builder()
                .configureA(c -> c.withApiLogging(true))
                .configureB(c -> c.withApiLogging(true))
                .start()) {
            CallResult ok = GrpcCalls.unary(t.channel(), TestService.ECHO, secretHeaders(), "hi".getBytes());
            ok.assertOk();
            CallResult missing = GrpcCalls.unary(t.channel(), MISSING, secretHeaders(), "hi".getBytes());
            assertEquals(Status.Code.UNIMPLEMENTED, missing.status().getCode(), missing::describe);
        } // the calls' lines are logged when their streams close, at the latest when the sidecars stop
        LogSetup.close();
        return buf;
    }

    private static Metadata secretHeaders() {
        Metadata md = GrpcCalls.routedTo(TwoSidecars.SERVER);
        md.put(GrpcCalls.DAPR_API_TOKEN, SECRET);
        md.put(GrpcCalls.ascii("authorization"), "Bearer " + SECRET);
        md.put(GrpcCalls.bin("x-thing-bin"), SECRET_BIN);
        return md;
    }
}
