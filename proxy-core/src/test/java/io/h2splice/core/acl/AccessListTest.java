package io.h2splice.core.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2splice.core.config.AccessControl;
import io.h2splice.core.config.AccessPolicy;
import io.h2splice.core.config.Operation;
import io.h2splice.core.hop.PeerIdentity;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios of Dapr's allowlist documentation ({@code invoke-allowlist.md}) and the wildcard cases of
 * {@code pkg/acl/acl_test.go}, one row each: (scenario, caller, method) → decision.
 */
class AccessListTest {

    static PeerIdentity caller(String trustDomain, String ns, String app) {
        return new PeerIdentity("spiffe://" + trustDomain + "/ns/" + ns + "/" + app, trustDomain, ns, app);
    }

    static Operation op(String name, String action) {
        return new Operation(name, List.of("*"), action);
    }

    static AccessPolicy policy(String app, String defaultAction, String td, String ns, Operation... ops) {
        return new AccessPolicy(app, defaultAction, td, ns, List.of(ops));
    }

    /** Scenario 1: deny everything but app1 (public, default), which may call anything. */
    static final AccessList ONE_APP = AccessList.compile(new AccessControl("deny", "public", List.of(
            policy("app1", "allow", "public", "default"))));

    /** Scenario 2: deny everything but app1 (public, default) calling /op1. */
    static final AccessList ONE_OPERATION = AccessList.compile(new AccessControl("deny", "public", List.of(
            policy("app1", "deny", "public", "default", op("/op1", "allow")))));

    /** Scenario 3: two trust domains: app1@public/default may call /op1, app2@myDomain/ns1 may call /op2. */
    static final AccessList TWO_DOMAINS = AccessList.compile(new AccessControl("deny", "public", List.of(
            policy("app1", "deny", "public", "default", op("op1", "allow")),
            policy("app2", "deny", "myDomain", "ns1", op("/op2", "allow")))));

    /** App default deny, with wildcards, a prefix rule and an explicit deny under an allowed prefix. */
    static final AccessList WILDCARDS = AccessList.compile(new AccessControl("allow", "public", List.of(
            policy("app1", "deny", "public", "default",
                    op("/op1/*", "allow"),
                    op("/op1/**/a", "allow"),
                    op("/op7/a/b/*", "allow"),
                    op("/op7/a/b*", "allow"),
                    op("/op7/c/**", "allow"),
                    op("/helloworld.Greeter", "allow"),
                    op("/pkg.Svc/Secret", "deny"),
                    op("/pkg.Svc", "allow"),
                    op("/first.*/M", "deny"),
                    op("/first.Svc/M", "allow")))));

    /** The same app id in two namespaces, with opposite defaults; no operation rules. */
    static final AccessList TWO_NAMESPACES = AccessList.compile(new AccessControl("deny", "public", List.of(
            policy("app1", "allow", "public", "ns1"),
            policy("app1", "deny", "public", "ns2"))));

    /** A policy without its own default: its operation decides, counted in the global family as Dapr does. */
    static final AccessList NO_APP_DEFAULT = AccessList.compile(new AccessControl("deny", "public", List.of(
            policy("app1", null, "public", "default", op("/pkg.Svc/Allowed", "allow")))));

    static final PeerIdentity APP1 = caller("public", "default", "app1");
    static final PeerIdentity APP2 = caller("public", "default", "app2");

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("scenario 1", ONE_APP, APP1, "/any.Svc/Method", Decision.APP_DEFAULT_ALLOWED),
                Arguments.of("scenario 1", ONE_APP, APP2, "/any.Svc/Method", Decision.GLOBAL_DEFAULT_DENIED),
                Arguments.of("scenario 1", ONE_APP, caller("public", "other", "app1"), "/a/b",
                        Decision.GLOBAL_DEFAULT_DENIED),
                Arguments.of("scenario 1", ONE_APP, caller("evil", "default", "app1"), "/a/b",
                        Decision.GLOBAL_DEFAULT_DENIED),
                Arguments.of("scenario 1, no mTLS", ONE_APP, null, "/a/b", Decision.GLOBAL_DEFAULT_DENIED),

                Arguments.of("scenario 2", ONE_OPERATION, APP1, "/op1", Decision.OPERATION_ALLOWED),
                Arguments.of("scenario 2, prefix", ONE_OPERATION, APP1, "/op1/x", Decision.OPERATION_ALLOWED),
                Arguments.of("scenario 2", ONE_OPERATION, APP1, "/op2", Decision.APP_DEFAULT_DENIED),
                Arguments.of("scenario 2, not a prefix", ONE_OPERATION, APP1, "/op10", Decision.APP_DEFAULT_DENIED),
                Arguments.of("scenario 2, case", ONE_OPERATION, APP1, "/OP1", Decision.APP_DEFAULT_DENIED),
                Arguments.of("scenario 2", ONE_OPERATION, APP2, "/op1", Decision.GLOBAL_DEFAULT_DENIED),

                Arguments.of("scenario 3", TWO_DOMAINS, APP1, "/op1", Decision.OPERATION_ALLOWED),
                Arguments.of("scenario 3", TWO_DOMAINS, APP1, "/op2", Decision.APP_DEFAULT_DENIED),
                Arguments.of("scenario 3", TWO_DOMAINS, caller("myDomain", "ns1", "app2"), "/op2",
                        Decision.OPERATION_ALLOWED),
                Arguments.of("scenario 3", TWO_DOMAINS, caller("myDomain", "ns1", "app2"), "/op1",
                        Decision.APP_DEFAULT_DENIED),
                Arguments.of("scenario 3, wrong domain", TWO_DOMAINS, caller("public", "ns1", "app2"), "/op2",
                        Decision.GLOBAL_DEFAULT_DENIED),
                Arguments.of("scenario 3, wrong domain", TWO_DOMAINS, caller("myDomain", "default", "app1"), "/op1",
                        Decision.GLOBAL_DEFAULT_DENIED),

                Arguments.of("/op1/*", WILDCARDS, APP1, "/op1/x", Decision.OPERATION_ALLOWED),
                Arguments.of("/op1/* is one level", WILDCARDS, APP1, "/op1/x/b", Decision.APP_DEFAULT_DENIED),
                Arguments.of("/op1/**/a", WILDCARDS, APP1, "/op1/x/a", Decision.OPERATION_ALLOWED),
                Arguments.of("/op1/**/a, prefix", WILDCARDS, APP1, "/op1/x/a/b", Decision.OPERATION_ALLOWED),
                // Dapr's trie: a path ending on a node without a rule tries that node's /* (or /**) child.
                Arguments.of("/op1/* also matches /op1", WILDCARDS, APP1, "/op1", Decision.OPERATION_ALLOWED),
                Arguments.of("/op7/a/b/*", WILDCARDS, APP1, "/op7/a/b/c", Decision.OPERATION_ALLOWED),
                Arguments.of("/op7/a/b/* is one level", WILDCARDS, APP1, "/op7/a/b/c/d", Decision.APP_DEFAULT_DENIED),
                Arguments.of("/op7/a/b*", WILDCARDS, APP1, "/op7/a/bc", Decision.OPERATION_ALLOWED),
                Arguments.of("/op7/a/b* needs the b", WILDCARDS, APP1, "/op7/a/cb", Decision.APP_DEFAULT_DENIED),
                Arguments.of("/op7/c/**", WILDCARDS, APP1, "/op7/c/d/e", Decision.OPERATION_ALLOWED),
                Arguments.of("/op7/c/** also matches /op7/c", WILDCARDS, APP1, "/op7/c", Decision.OPERATION_ALLOWED),
                Arguments.of("/op7/c/** not a sibling", WILDCARDS, APP1, "/op7/d", Decision.APP_DEFAULT_DENIED),
                Arguments.of("prefix rule", WILDCARDS, APP1, "/helloworld.Greeter/SayHello",
                        Decision.OPERATION_ALLOWED),
                Arguments.of("prefix is per segment", WILDCARDS, APP1, "/helloworld.GreeterX/SayHello",
                        Decision.APP_DEFAULT_DENIED),
                Arguments.of("gRPC is case-sensitive", WILDCARDS, APP1, "/helloworld.greeter/SayHello",
                        Decision.APP_DEFAULT_DENIED),
                // Dapr's trie answers at the first node with a rule: a prefix rule shadows deeper ones.
                Arguments.of("prefix rule shadows a deeper deny", WILDCARDS, APP1, "/pkg.Svc/Secret",
                        Decision.OPERATION_ALLOWED),
                Arguments.of("allowed service", WILDCARDS, APP1, "/pkg.Svc/Open", Decision.OPERATION_ALLOWED),
                Arguments.of("first matching sibling wins", WILDCARDS, APP1, "/first.Svc/M", Decision.OPERATION_DENIED),
                Arguments.of("wildcards only for app1", WILDCARDS, APP2, "/op1/x", Decision.GLOBAL_DEFAULT_ALLOWED),

                Arguments.of("namespace ns1", TWO_NAMESPACES, caller("public", "ns1", "app1"), "/a/b",
                        Decision.APP_DEFAULT_ALLOWED),
                Arguments.of("namespace ns2", TWO_NAMESPACES, caller("public", "ns2", "app1"), "/a/b",
                        Decision.APP_DEFAULT_DENIED),
                Arguments.of("namespace ns3", TWO_NAMESPACES, caller("public", "ns3", "app1"), "/a/b",
                        Decision.GLOBAL_DEFAULT_DENIED),

                Arguments.of("no app default", NO_APP_DEFAULT, APP1, "/pkg.Svc/Allowed",
                        Decision.OPERATION_ALLOWED_COUNTED_GLOBAL),
                Arguments.of("no app default", NO_APP_DEFAULT, APP1, "/pkg.Svc/Other", Decision.GLOBAL_DEFAULT_DENIED),

                Arguments.of("no list", AccessList.NONE, null, "/a/b", Decision.NO_LIST));
    }

    @ParameterizedTest(name = "{0}: {2} {3} -> {4}")
    @MethodSource("table")
    void decides(String scenario, AccessList list, PeerIdentity caller, String method, Decision expected) {
        assertEquals(expected, list.decide(caller, method), scenario);
    }

    /** Dapr: a section with no policies and nothing denied by default is no access list at all. */
    @Test
    void aSectionThatAllowsEverythingIsNoList() {
        org.junit.jupiter.api.Assertions.assertSame(AccessList.NONE,
                AccessList.compile(new AccessControl(null, "mydomain", List.of())));
        org.junit.jupiter.api.Assertions.assertTrue(
                AccessList.compile(new AccessControl("deny", null, List.of())).isActive());
    }

    @Test
    void globalDefaultFollowsDapr() {
        // nothing set: no access list, as Dapr (see aSectionThatAllowsEverythingIsNoList)
        assertEquals(Decision.NO_LIST,
                AccessList.compile(new AccessControl(null, null, List.of())).decide(APP1, "/a/b"));
        assertEquals(Decision.GLOBAL_DEFAULT_DENIED, AccessList.compile(new AccessControl(null, null, List.of(
                policy("app9", "allow", "public", "default")))).decide(APP1, "/a/b"));
    }

    @Test
    void decidingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PeerIdentity other = caller("public", "ns2", "app1");
        Decision sink = null;
        for (int i = 0; i < 20_000; i++) {
            sink = WILDCARDS.decide(APP1, "/op1/x/a/b");
            sink = TWO_NAMESPACES.decide(other, "/pkg.Svc/M");
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink = WILDCARDS.decide(APP1, "/op1/x/a/b");
            sink = WILDCARDS.decide(APP1, "/op7/a/bc");
            sink = TWO_NAMESPACES.decide(other, "/pkg.Svc/M");
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(Decision.APP_DEFAULT_DENIED, sink);
        assertTrue(allocated < 4096, "300,000 decisions allocated " + allocated + " bytes");
    }
}
