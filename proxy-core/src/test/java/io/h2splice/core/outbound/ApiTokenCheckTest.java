package io.h2splice.core.outbound;

import io.h2splice.core.config.ApiTokens;
import io.h2splice.core.headers.HeaderNames;
import io.h2splice.core.metrics.ProxyMetrics;
import io.h2splice.core.routing.Route;
import io.h2splice.core.status.GrpcStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code DAPR_API_TOKEN} check alone, and in the router: which values pass, and that checking allocates nothing. */
class ApiTokenCheckTest {

    private static final String TOKEN = "s3cret-t0ken";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static Http2Headers request(CharSequence token) {
        Http2Headers h = new DefaultHttp2Headers().method("POST").path("/pkg.Svc/Method").scheme("http")
                .authority("localhost");
        h.add(HeaderNames.DAPR_APP_ID, AsciiString.of("server"));
        if (token != null) {
            h.add(HeaderNames.DAPR_API_TOKEN, token);
        }
        return h;
    }

    @Test
    void offLetsEverythingThrough() {
        assertTrue(ApiTokenCheck.of("").allows(request(null)));
        assertFalse(ApiTokenCheck.of("").enabled());
    }

    @Test
    void theRightTokenPassesAsAsciiStringOrString() {
        ApiTokenCheck c = ApiTokenCheck.of(TOKEN);
        assertTrue(c.allows(request(AsciiString.of(TOKEN))));
        assertTrue(c.allows(request(TOKEN)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "s3cret-t0ke", "s3cret-t0ken ", "s3cret-t0kem", "S3cret-t0ken", "s3cret-t0ken-and-more",
        "s3cret-t0ke\u00ee"})
    void anyOtherValueIsDenied(String wrong) {
        ApiTokenCheck c = ApiTokenCheck.of(TOKEN);
        assertFalse(c.allows(request(wrong)), "String " + wrong);
        assertFalse(c.allows(request(new AsciiString(wrong))), "AsciiString " + wrong);
    }

    @Test
    void aCharAboveLatin1NeverMatchesItsLowByte() {
        // 'n' is 0x6E; U+016E would match it if chars were truncated to bytes
        assertFalse(ApiTokenCheck.matches(TOKEN.getBytes(), "s3cret-t0ke\u016e"));
    }

    @Test
    void missingIsDenied() {
        assertFalse(ApiTokenCheck.of(TOKEN).allows(request(null)));
    }

    @Test
    void onlyTheFirstValueCounts() {
        Http2Headers h = request("wrong");
        h.add(HeaderNames.DAPR_API_TOKEN, TOKEN);
        assertFalse(ApiTokenCheck.of(TOKEN).allows(h));
        Http2Headers right = request(TOKEN);
        right.add(HeaderNames.DAPR_API_TOKEN, "wrong");
        assertTrue(ApiTokenCheck.of(TOKEN).allows(right));
    }

    @Test
    void routerDeniesFirstCountsAndRemovesTheTokenWhenAllowed() {
        ProxyMetrics metrics = new ProxyMetrics();
        OutboundRouter r = OutboundRouter.builder("client", "default").apiTokens(new ApiTokens(TOKEN, ""), metrics).build();
        Http2Headers noAppIdNoToken = request(null);
        noAppIdNoToken.remove(HeaderNames.DAPR_APP_ID);
        Route denied = r.route(noAppIdNoToken, null);
        assertEquals(Route.Kind.ERROR, denied.kind());
        assertEquals(GrpcStatus.UNAUTHENTICATED, denied.grpcStatus(), "the token is checked before the app id");
        assertEquals("Unauthorized", denied.message());
        assertEquals(1, metrics.apiTokenDeniedCount(ProxyMetrics.TokenPort.GRPC));

        Http2Headers ok = request(AsciiString.of(TOKEN));
        assertEquals(Route.Kind.REMOTE, r.route(ok, null).kind());
        assertNull(ok.get(HeaderNames.DAPR_API_TOKEN), "the token goes no further than the API listener");
        assertEquals(1, metrics.apiTokenDeniedCount(ProxyMetrics.TokenPort.GRPC));
    }

    @Test
    void aTokenRequiresMetrics() {
        assertThrows(IllegalArgumentException.class,
                () -> OutboundRouter.builder("client", "default").apiTokens(new ApiTokens(TOKEN, ""), null).build());
    }

    @Test
    void tokensThatCannotBeHeaderValuesAreRefusedWithoutPrintingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiTokens("bad\ntoken", ""));
        assertEquals("DAPR_API_TOKEN must be printable ASCII (a gRPC metadata value); character 4 is not",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ApiTokens("", " padded"));
        assertTrue(e.getMessage().startsWith("APP_API_TOKEN must not start or end with a space"), e.getMessage());
        assertEquals("ApiTokens[dapr=<set>, app=<none>]", new ApiTokens(TOKEN, "").toString());
    }

    // --- allocation -----------------------------------------------------------------------------------------

    private static final int CALLS = 20_000;
    static volatile boolean sink;

    private static long allocatedBy(ApiTokenCheck c, Http2Headers h) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        boolean any = false;
        for (int i = 0; i < CALLS; i++) {
            any |= c.allows(h);
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        sink = any;
        return bytes;
    }

    /** The least of a few rounds: a per-call allocation shows in every round, a one-off of the JIT does not. */
    private static void assertNoAllocation(String what, ApiTokenCheck c, Http2Headers h) {
        c.allows(h);
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5 && least > 0; round++) {
            least = Math.min(least, allocatedBy(c, h));
        }
        assertEquals(0, least, what + ": bytes allocated by " + CALLS + " checks");
    }

    @Test
    void checkingAllocatesNothing() {
        ApiTokenCheck c = ApiTokenCheck.of(TOKEN);
        assertNoAllocation("right token", c, request(AsciiString.of(TOKEN)));
        assertNoAllocation("wrong token, same length", c, request(AsciiString.of("s3cret-t0kem")));
        assertNoAllocation("wrong token, other length", c, request(AsciiString.of("x")));
        assertNoAllocation("no token", c, request(null));
    }

    /** The negative control: the same measurement sees an allocation per call. */
    @Test
    void instrumentSeesAnAllocationPerCall() {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            sink = new AsciiString(TOKEN).length() > 0;
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes >= 16L * CALLS, bytes + " bytes for " + CALLS + " AsciiStrings");
    }
}
