package io.h2splice.core.resiliency;

/**
 * A circuit breaker's {@code trip} condition, parsed once when the Resiliency file loads.
 *
 * <p>Dapr evaluates {@code trip} as a CEL expression over gobreaker's {@code Counts}. h2splice
 * accepts the subset of CEL that those expressions use: a comparison of one counter
 * ({@code consecutiveFailures}, {@code consecutiveSuccesses}, {@code totalFailures},
 * {@code totalSuccesses}, {@code requests}) with a whole number using {@code > >= < <= == !=},
 * joined by {@code &&} and {@code ||} ({@code &&} binds tighter, as in CEL), with parentheses
 * for grouping (CEL allows them), at most {@link #MAX_COMPARISONS} comparisons in all. Anything
 * else is rejected at load time with an {@link IllegalArgumentException} whose message names the
 * problem and its 1-based column.
 *
 * <p>The parsed form is a small tree of final nodes; {@link #test} allocates nothing.
 */
public final class TripExpression {

    /** Dapr's default: {@code consecutiveFailures > 5}. */
    public static final String DEFAULT_SOURCE = "consecutiveFailures > 5";

    static final int REQUESTS = 0;
    static final int TOTAL_SUCCESSES = 1;
    static final int TOTAL_FAILURES = 2;
    static final int CONSECUTIVE_SUCCESSES = 3;
    static final int CONSECUTIVE_FAILURES = 4;

    /**
     * The most comparisons an expression may hold. The tree is evaluated by recursion on the event loop, so its depth
     * is bounded at load (Dapr's examples use one to three).
     */
    static final int MAX_COMPARISONS = 64;

    private static final String COUNTERS =
            "consecutiveFailures, consecutiveSuccesses, totalFailures, totalSuccesses or requests";

    private final String source;
    private final Node root;

    private TripExpression(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    /** Parses {@code source}; throws {@link IllegalArgumentException} with a one-line reason. */
    public static TripExpression parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("trip: empty expression; expected e.g. '" + DEFAULT_SOURCE + "'");
        }
        Parser p = new Parser(source);
        Node root = p.parseOr();
        p.skipSpaces();
        if (!p.atEnd()) {
            if (p.peek() == ')') {
                throw p.error("unexpected ')'", p.pos);
            }
            throw p.error("unexpected " + p.describeHere(), p.pos, "expected && or ||");
        }
        return new TripExpression(source, root);
    }

    /** The text as written in the Resiliency file. */
    public String source() {
        return source;
    }

    /** Evaluates the expression against gobreaker-style counts. Allocation-free. */
    public boolean test(long requests, long totalSuccesses, long totalFailures,
                        long consecutiveSuccesses, long consecutiveFailures) {
        return root.test(requests, totalSuccesses, totalFailures, consecutiveSuccesses, consecutiveFailures);
    }

    @Override
    public String toString() {
        return source;
    }

    // ---- tree ------------------------------------------------------------------------------

    private abstract static class Node {
        abstract boolean test(long rq, long ts, long tf, long cs, long cf);
    }

    private static final class Or extends Node {
        private final Node left;
        private final Node right;

        Or(Node left, Node right) {
            this.left = left;
            this.right = right;
        }

        @Override
        boolean test(long rq, long ts, long tf, long cs, long cf) {
            return left.test(rq, ts, tf, cs, cf) || right.test(rq, ts, tf, cs, cf);
        }
    }

    private static final class And extends Node {
        private final Node left;
        private final Node right;

        And(Node left, Node right) {
            this.left = left;
            this.right = right;
        }

        @Override
        boolean test(long rq, long ts, long tf, long cs, long cf) {
            return left.test(rq, ts, tf, cs, cf) && right.test(rq, ts, tf, cs, cf);
        }
    }

    private static final class Compare extends Node {
        static final int GT = 0, GE = 1, LT = 2, LE = 3, EQ = 4, NE = 5;
        private final int counter;
        private final int op;
        private final long value;

        Compare(int counter, int op, long value) {
            this.counter = counter;
            this.op = op;
            this.value = value;
        }

        @Override
        boolean test(long rq, long ts, long tf, long cs, long cf) {
            long v;
            switch (counter) {
                case REQUESTS: v = rq; break;
                case TOTAL_SUCCESSES: v = ts; break;
                case TOTAL_FAILURES: v = tf; break;
                case CONSECUTIVE_SUCCESSES: v = cs; break;
                default: v = cf; break;
            }
            switch (op) {
                case GT: return v > value;
                case GE: return v >= value;
                case LT: return v < value;
                case LE: return v <= value;
                case EQ: return v == value;
                default: return v != value;
            }
        }
    }

    // ---- parser ----------------------------------------------------------------------------

    /** Recursive descent: or := and ('||' and)* ; and := primary ('&&' primary)* ;
     *  primary := '(' or ')' | counter op number. */
    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;
        private int comparisons;

        Parser(String s) {
            this.s = s;
        }

        Node parseOr() {
            Node left = parseAnd();
            while (true) {
                skipSpaces();
                if (s.startsWith("||", pos)) {
                    pos += 2;
                    left = new Or(left, parseAnd());
                } else if (!atEnd() && peek() == '|') {
                    throw error("single '|'", pos, "did you mean '||'?");
                } else {
                    return left;
                }
            }
        }

        Node parseAnd() {
            Node left = parsePrimary();
            while (true) {
                skipSpaces();
                if (s.startsWith("&&", pos)) {
                    pos += 2;
                    left = new And(left, parsePrimary());
                } else if (!atEnd() && peek() == '&') {
                    throw error("single '&'", pos, "did you mean '&&'?");
                } else {
                    return left;
                }
            }
        }

        Node parsePrimary() {
            skipSpaces();
            if (atEnd()) {
                throw error("unexpected end of expression", pos, "expected a counter or '('");
            }
            if (peek() == '(') {
                int open = pos++;
                if (++depth > 32) {
                    throw error("parentheses nested too deeply", open);
                }
                Node inner = parseOr();
                skipSpaces();
                if (atEnd() || peek() != ')') {
                    throw error("missing ')' for '('", open);
                }
                pos++;
                depth--;
                return inner;
            }
            int start = pos;
            while (!atEnd() && Character.isLetterOrDigit(peek()) || !atEnd() && peek() == '_') {
                pos++;
            }
            if (start == pos) {
                throw error("unexpected " + describeAt(start), start, "expected a counter or '('");
            }
            if (++comparisons > MAX_COMPARISONS) {
                throw error("more than " + MAX_COMPARISONS + " comparisons", start);
            }
            String name = s.substring(start, pos);
            int counter = counter(name);
            if (counter < 0) {
                throw error("unknown counter '" + name + "'", start, "expected " + COUNTERS);
            }
            skipSpaces();
            int opPos = pos;
            int op = operator();
            if (op < 0) {
                throw error(atEnd() ? "missing comparison after '" + name + "'" : "unexpected " + describeAt(opPos),
                        opPos, "expected >, >=, <, <=, == or !=");
            }
            skipSpaces();
            int numPos = pos;
            while (!atEnd() && peek() >= '0' && peek() <= '9') {
                pos++;
            }
            if (numPos == pos) {
                throw error(atEnd() ? "missing number" : "unexpected " + describeAt(numPos), numPos,
                        "expected a whole number");
            }
            if (!atEnd() && (Character.isLetter(peek()) || peek() == '.')) {
                throw error("unexpected " + describeAt(pos), pos, "expected a whole number");
            }
            long value;
            try {
                value = Long.parseLong(s, numPos, pos, 10);
            } catch (NumberFormatException e) {
                throw error("number too large", numPos);
            }
            return new Compare(counter, op, value);
        }

        private int operator() {
            if (atEnd()) {
                return -1;
            }
            char c = peek();
            char n = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
            switch (c) {
                case '>':
                    pos += n == '=' ? 2 : 1;
                    return n == '=' ? Compare.GE : Compare.GT;
                case '<':
                    pos += n == '=' ? 2 : 1;
                    return n == '=' ? Compare.LE : Compare.LT;
                case '=':
                    if (n == '=') {
                        pos += 2;
                        return Compare.EQ;
                    }
                    throw error("single '='", pos, "use '==' to compare");
                case '!':
                    if (n == '=') {
                        pos += 2;
                        return Compare.NE;
                    }
                    return -1;
                default:
                    return -1;
            }
        }

        private static int counter(String name) {
            switch (name) {
                case "requests": return REQUESTS;
                case "totalSuccesses": return TOTAL_SUCCESSES;
                case "totalFailures": return TOTAL_FAILURES;
                case "consecutiveSuccesses": return CONSECUTIVE_SUCCESSES;
                case "consecutiveFailures": return CONSECUTIVE_FAILURES;
                default: return -1;
            }
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        String describeHere() {
            return describeAt(pos);
        }

        String describeAt(int at) {
            if (at >= s.length()) {
                return "end of expression";
            }
            int end = at;
            while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
                end++;
            }
            return "'" + (end == at ? s.substring(at, at + 1) : s.substring(at, end)) + "'";
        }

        IllegalArgumentException error(String what, int at) {
            return new IllegalArgumentException("trip: " + what + " at " + (at + 1));
        }

        IllegalArgumentException error(String what, int at, String hint) {
            return new IllegalArgumentException("trip: " + what + " at " + (at + 1) + "; " + hint);
        }
    }
}
