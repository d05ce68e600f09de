package io.h2splice.core.headers;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A request's headers as a client sends them, then each hop rewrite of COMPAT.md "Headers on each hop". The input is
 * lines of {@code name:value} (names lowercased, as Netty's validating HPACK decoder only lets lowercase names in);
 * the first line's value is used as the app id stamped. Each rewrite must remove and set exactly its headers, once
 * each, and leave every other header, {@code -bin} ones included, byte for byte and in order.
 * Seeds: {@code HopHeadersFuzzTestInputs/rewrites}.
 */
class HopHeadersFuzzTest {

    private static final Set<AsciiString> DROPPED = Set.of(HeaderNames.DAPR_APP_ID, HeaderNames.DAPR_API_TOKEN);
    private static final Set<AsciiString> STAMPED = Set.of(HeaderNames.DAPR_CALLEE_APP_ID,
            HeaderNames.DAPR_CALLER_APP_ID, HeaderNames.DAPR_CALLER_NAMESPACE);

    @FuzzTest
    void rewrites(byte[] data) {
        List<AsciiString[]> fields = parse(data);
        AsciiString id = fields.isEmpty() ? AsciiString.of("app") : fields.get(0)[1];

        Http2Headers h = headers(fields);
        HopHeaders.toRemoteSidecar(h, id, AsciiString.of("caller"), AsciiString.of("ns"));
        assertAbsent(h, DROPPED);
        assertOnly(h, HeaderNames.DAPR_CALLEE_APP_ID, id);
        assertOnly(h, HeaderNames.DAPR_CALLER_APP_ID, AsciiString.of("caller"));
        assertOnly(h, HeaderNames.DAPR_CALLER_NAMESPACE, AsciiString.of("ns"));
        assertOthersKept(fields, h, union(DROPPED, STAMPED));

        h = headers(fields); // h2c, no app token
        HopHeaders.toApp(h, null, null, null);
        assertAbsent(h, DROPPED);
        assertOthersKept(fields, h, DROPPED);

        h = headers(fields); // an app token replaces every dapr-api-token
        HopHeaders.toApp(h, null, null, id);
        assertAbsent(h, Set.of(HeaderNames.DAPR_APP_ID));
        assertOnly(h, HeaderNames.DAPR_API_TOKEN, id);
        assertOthersKept(fields, h, DROPPED);

        h = headers(fields); // mTLS: the verified caller replaces whatever the headers said
        HopHeaders.toApp(h, id.toString(), "ns", null);
        assertAbsent(h, DROPPED);
        assertOnly(h, HeaderNames.DAPR_CALLER_APP_ID, id);
        assertOnly(h, HeaderNames.DAPR_CALLER_NAMESPACE, AsciiString.of("ns"));
        assertOthersKept(fields, h, union(DROPPED,
                Set.of(HeaderNames.DAPR_CALLER_APP_ID, HeaderNames.DAPR_CALLER_NAMESPACE)));

        h = headers(fields);
        HopHeaders.toOwnApp(h, id, AsciiString.of("ns"), null);
        assertAbsent(h, DROPPED);
        assertOnly(h, HeaderNames.DAPR_CALLEE_APP_ID, id);
        assertOnly(h, HeaderNames.DAPR_CALLER_APP_ID, id);
        assertOthersKept(fields, h, union(DROPPED, STAMPED));
    }

    private static List<AsciiString[]> parse(byte[] data) {
        List<AsciiString[]> out = new ArrayList<>();
        AsciiString all = new AsciiString(data);
        int at = 0;
        while (at < all.length()) {
            int nl = all.indexOf('\n', at);
            int end = nl < 0 ? all.length() : nl;
            AsciiString line = all.subSequence(at, end, false);
            int colon = line.indexOf(':', 1); // from 1: a pseudo-header name starts with ':'
            if (colon > 0) {
                out.add(new AsciiString[] {line.subSequence(0, colon).toLowerCase(),
                        line.subSequence(colon + 1, line.length())});
            }
            at = end + 1;
        }
        return out;
    }

    private static Http2Headers headers(List<AsciiString[]> fields) {
        Http2Headers h = new DefaultHttp2Headers(false);
        for (AsciiString[] f : fields) {
            h.add(f[0], f[1]);
        }
        return h;
    }

    private static void assertAbsent(Http2Headers h, Set<AsciiString> names) {
        for (AsciiString n : names) {
            assertFalse(h.contains(n), n + " was passed on");
        }
    }

    private static void assertOnly(Http2Headers h, AsciiString name, AsciiString value) {
        assertEquals(List.of(value.toString()), h.getAll(name).stream().map(CharSequence::toString).toList(),
                name + " is set once, to the stamped value");
    }

    /** Every header not named in {@code touched} is there, in order, with its value unchanged. */
    private static void assertOthersKept(List<AsciiString[]> fields, Http2Headers h, Set<AsciiString> touched) {
        List<String> before = new ArrayList<>();
        for (AsciiString[] f : fields) {
            if (!touched.contains(f[0])) {
                before.add(f[0] + ": " + f[1]);
            }
        }
        List<String> after = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (!touched.contains(AsciiString.of(e.getKey()))) {
                after.add(e.getKey() + ": " + e.getValue());
            }
        }
        assertEquals(sorted(before), sorted(after), "other headers changed");
        assertEquals(order(before), order(after), "the order of values of one name changed");
    }

    /** DefaultHttp2Headers keeps pseudo-headers first; only the values of each name keep their order. */
    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    private static List<String> order(List<String> l) {
        List<String> out = new ArrayList<>(l);
        out.sort((a, b) -> a.substring(0, a.indexOf(": ")).compareTo(b.substring(0, b.indexOf(": "))));
        return out;
    }

    private static Set<AsciiString> union(Set<AsciiString> a, Set<AsciiString> b) {
        java.util.HashSet<AsciiString> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
