package io.h2splice.core.acl;

import java.util.Arrays;

/**
 * One policy's operations, as Dapr's {@code pkg/config/acl_trie.go} matches them, over {@code /}-separated segments
 * (each segment kept with its leading {@code /}). Searching walks the method in place: no substring, no allocation.
 *
 * <ul>
 *   <li>{@code *} inside a segment globs over characters ({@code /op7/a/b*} matches {@code /op7/a/bc});</li>
 *   <li>a final {@code /*} matches exactly one more segment;</li>
 *   <li>{@code /**} matches any segment and, holding a rule, any depth below it;</li>
 *   <li>a rule on a prefix also covers the paths below it ({@code /pkg.Svc} covers {@code /pkg.Svc/Method});</li>
 *   <li>siblings are tried in the order the file lists them: the first that matches wins; of two rules with the
 *       same name the first is kept.</li>
 * </ul>
 *
 * <p>Immutable once built; built on one thread, then published through a volatile write.
 */
final class OperationTrie {

    static final byte NO_MATCH = 0;
    static final byte ALLOW = 1;
    static final byte DENY = 2;

    private static final String ONE_LEVEL = "/*";
    private static final String ANY_DEPTH = "/**";

    /** Node kinds, fixed when built, so that a search never globs a segment without {@code *}. */
    private static final byte EXACT = 0;
    private static final byte GLOB = 1;
    private static final byte ONE_LEVEL_NODE = 2;
    private static final byte ANY_DEPTH_NODE = 3;

    private static final class Node {
        final String segment;
        final byte kind;
        byte action = NO_MATCH;
        Node[] children = new Node[0];

        Node(String segment) {
            this.segment = segment;
            this.kind = segment.equals(ONE_LEVEL) ? ONE_LEVEL_NODE : segment.equals(ANY_DEPTH) ? ANY_DEPTH_NODE
                    : segment.indexOf('*') >= 0 ? GLOB : EXACT;
        }

        Node child(String s) {
            for (Node c : children) {
                if (c.segment.equals(s)) {
                    return c;
                }
            }
            return null;
        }

        void add(Node c) {
            children = Arrays.copyOf(children, children.length + 1);
            children[children.length - 1] = c;
        }
    }

    private final Node root = new Node("/");

    /** Adds a rule; {@code operation} starts with {@code /}. */
    void put(String operation, boolean allow) {
        String[] parts = operation.split("/", -1);
        Node node = root;
        for (int i = 1; i < parts.length; i++) {
            String s = "/" + parts[i];
            Node sub = node.child(s);
            boolean last = i == parts.length - 1;
            if (sub == null) {
                sub = new Node(s);
                node.add(sub);
                if (last) {
                    sub.action = allow ? ALLOW : DENY;
                }
            } else if (last && sub.action == NO_MATCH) {
                sub.action = allow ? ALLOW : DENY;
            }
            node = sub;
        }
    }

    /** @return {@link #ALLOW}, {@link #DENY} or {@link #NO_MATCH} for a method starting with {@code /} */
    byte search(CharSequence method) {
        int len = method.length();
        if (len == 0 || method.charAt(0) != '/') {
            return NO_MATCH;
        }
        Node node = root;
        int start = 0;
        while (true) {
            int next = indexOfSlash(method, start + 1, len);
            boolean isEnd = next < 0;
            int end = isEnd ? len : next;
            node = find(node.children, method, start, end, isEnd);
            if (node == null) {
                return NO_MATCH;
            }
            if (node.action != NO_MATCH) {
                if (!isEnd && node.segment.endsWith(ONE_LEVEL) && !node.segment.endsWith(ANY_DEPTH)) {
                    start = end;
                    continue;
                }
                return node.action;
            }
            if (isEnd) {
                Node wildcard = find(node.children, ONE_LEVEL, 0, ONE_LEVEL.length(), true);
                return wildcard == null ? NO_MATCH : wildcard.action;
            }
            start = end;
        }
    }

    private static Node find(Node[] nodes, CharSequence s, int from, int to, boolean isEnd) {
        for (Node n : nodes) {
            if (regionEquals(s, from, to, n.segment)) {
                return n;
            }
            switch (n.kind) {
                case ONE_LEVEL_NODE:
                    if (isEnd) {
                        return n;
                    }
                    break;
                case ANY_DEPTH_NODE:
                    return n;
                case GLOB:
                    if (glob(s, from, to, n.segment)) {
                        return n;
                    }
                    break;
                default:
                    break; // EXACT: a glob without * is the equality already tested
            }
        }
        return null;
    }

    private static int indexOfSlash(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '/') {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(CharSequence s, int from, int to, String p) {
        if (to - from != p.length()) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            if (s.charAt(from + i) != p.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code *} matches any run of characters, possibly empty; every other character matches itself. */
    static boolean glob(CharSequence s, int from, int to, String p) {
        int si = from;
        int pi = 0;
        int star = -1;
        int mark = from;
        while (si < to) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                si++;
                pi++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
