package io.h2splice.core.e2e;

import io.grpc.Metadata;
import io.grpc.Status;
import io.h2splice.core.testing.CallResult;
import io.h2splice.core.testing.GrpcCalls;
import io.h2splice.core.testing.Script;
import io.h2splice.core.testing.TestService;
import io.h2splice.core.testing.SharedSidecars;
import io.h2splice.core.testing.TwoSidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.h2splice.core.testing.GrpcCalls.ascii;
import static io.h2splice.core.testing.GrpcCalls.routedTo;
import static io.h2splice.core.testing.Payloads.assertSameBytes;
import static io.h2splice.core.testing.Payloads.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statuses made by the app pass through both sidecars unchanged: code, message and grpc-status-details-bin. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusE2eTest {

    /** Non-ASCII, percent sign, control characters: grpc-message is percent-encoded on the wire. */
    private static final String TRICKY = "ünïcødé ✓ 100% done, tab\there, newline\nthere, \"quoted\" €";

    @RegisterExtension
    static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());

    /** Trailers-only error response from the app (no headers, no message). */
    @ParameterizedTest
    @EnumSource(value = Status.Code.class, mode = EnumSource.Mode.EXCLUDE, names = "OK")
    void trailersOnlyErrorPassesThroughUnchanged(Status.Code code) {
        String message = code + ": " + TRICKY;
        byte[] details = random(700, code.value());
        Metadata trailers = new Metadata();
        trailers.put(GrpcCalls.STATUS_DETAILS, details);
        trailers.put(ascii("x-error-context"), "ctx-" + code.value());
        String key = "trailers-only-" + code;
        NET.get().serverApp().script(key, Script.fail(code.toStatus().withDescription(message), trailers));

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.SCRIPTED, routedTo("server"),
                key.getBytes(StandardCharsets.UTF_8));
        GrpcCalls.assertStatus(code, message, r);
        assertSameBytes("grpc-status-details-bin", details, r.trailers().get(GrpcCalls.STATUS_DETAILS));
        assertEquals("ctx-" + code.value(), r.trailers().get(ascii("x-error-context")), "custom trailer");
    }

    /** A frame splicer forwards the app's single HEADERS+END_STREAM frame as is (DESIGN.md: trailers are spliced). */
    @Test
    void trailersOnlyResponseOfTheAppStaysTrailersOnly() {
        NET.get().serverApp().script("stays-trailers-only",
                Script.fail(Status.NOT_FOUND.withDescription("no such thing"), new Metadata()));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.SCRIPTED, routedTo("server"),
                "stays-trailers-only".getBytes(StandardCharsets.UTF_8));
        GrpcCalls.assertStatus(Status.Code.NOT_FOUND, "no such thing", r);
        assertTrue(r.trailersOnly(), "the app answered trailers-only; the client got " + r.describe());
    }

    /** Error after response headers and one message: trailers in their own HEADERS frame. */
    @ParameterizedTest
    @EnumSource(value = Status.Code.class, names = {"CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "NOT_FOUND",
            "RESOURCE_EXHAUSTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"})
    void errorAfterHeadersAndMessagePassesThroughUnchanged(Status.Code code) {
        String message = "after a message: " + TRICKY;
        byte[] details = random(70_000, 100 + code.value()); // large: trailers over CONTINUATION frames
        Metadata headers = new Metadata();
        headers.put(ascii("x-before"), "headers first");
        Metadata trailers = new Metadata();
        trailers.put(GrpcCalls.STATUS_DETAILS, details);
        String key = "after-message-" + code;
        byte[] reply = random(5000, code.value());
        NET.get().serverApp().script(key, new Script(headers, reply, code.toStatus().withDescription(message), trailers));

        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.SCRIPTED, routedTo("server"),
                key.getBytes(StandardCharsets.UTF_8));
        GrpcCalls.assertStatus(code, message, r);
        assertFalse(r.trailersOnly(), "the app sent headers first; got " + r.describe());
        assertEquals("headers first", r.headers().get(ascii("x-before")));
        assertEquals(1, r.messages().size(), "the message sent before the error");
        assertSameBytes("message before the error", reply, r.messages().get(0));
        assertSameBytes("grpc-status-details-bin", details, r.trailers().get(GrpcCalls.STATUS_DETAILS));
    }

    @Test
    void longStatusMessagePassesThroughUnchanged() {
        String message = "long: " + "0123456789abcdef%".repeat(400);
        NET.get().serverApp().script("long-message", Script.fail(Status.ABORTED.withDescription(message), new Metadata()));
        CallResult r = GrpcCalls.unary(NET.get().channel(), TestService.SCRIPTED, routedTo("server"),
                "long-message".getBytes(StandardCharsets.UTF_8));
        GrpcCalls.assertStatus(Status.Code.ABORTED, message, r);
    }
}
