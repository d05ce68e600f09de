package io.h2splice.core.acl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths a crafted call could use to slip past a rule are refused before any rule is consulted. */
class MethodPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/helloworld.Greeter/SayHello", "/dapr.proto.runtime.v1.Dapr/InvokeService",
        "/a", "/a/b/c", "/a_b-c~d/M", "/a/...", "/a/.b", "/a/b..", "/a:b@c/M"})
    void acceptsMethods(String path) {
        assertTrue(MethodPaths.isCanonical(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "a/b", "//a", "/a//b", "/a/b/", "/a/../b", "/a/./b", "/..", "/.", "/a/..",
        "/a%2Fb", "/op1%2f..%2fop2", "/%2e%2e/op2", "/a#b", "/a?b", "/a;b", "/a\\b", "/a\\..\\b", "/a b", "/a\tb",
        "/a\u0000b", "/a\rb", "/a\u007fb", "/a\u00e9b", "/op1/*", "/op1/**", "/a\"b", "/a<b>"})
    void refusesCraftedPaths(String path) {
        assertFalse(MethodPaths.isCanonical(path), path);
    }
}
