package io.h2splice.core.config.resiliency;

import java.util.Set;
import java.util.TreeSet;

/** Dapr's {@code matching} status code lists: {@code "1,2,5-7"}, codes and inclusive ranges separated by commas. */
public final class StatusCodes {

    public static final int GRPC_MIN = 0;
    public static final int GRPC_MAX = 16;
    public static final int HTTP_MIN = 100;
    public static final int HTTP_MAX = 599;

    private StatusCodes() {
    }

    /**
     * @param kind "gRPC" or "HTTP", for the message
     * @return the codes, in order; empty for an empty or blank list
     * @throws IllegalArgumentException naming the item that is not a code or range within {@code min..max}
     */
    public static Set<Integer> parse(String list, int min, int max, String kind) {
        Set<Integer> out = new TreeSet<>();
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        for (String raw : list.split(",", -1)) {
            String item = raw.strip();
            int dash = item.indexOf('-', 1);
            int from = code(dash < 0 ? item : item.substring(0, dash), item, min, max, kind);
            int to = dash < 0 ? from : code(item.substring(dash + 1), item, min, max, kind);
            if (to < from) {
                throw new IllegalArgumentException("range '" + item + "' ends before it starts");
            }
            for (int c = from; c <= to; c++) {
                out.add(c);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    private static int code(String s, String item, int min, int max, String kind) {
        int c;
        try {
            c = Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + kind + " status codes or ranges such as \"" + (min + 1)
                    + "," + (min + 2) + "-" + (min + 4) + "\", got '" + item + "'");
        }
        if (c < min || c > max) {
            throw new IllegalArgumentException(kind + " status code " + c + " is out of range " + min + "-" + max);
        }
        return c;
    }

    static Set<Integer> check(Set<Integer> codes, int min, int max, String kind) {
        if (codes == null) {
            return Set.of();
        }
        for (Integer c : codes) {
            if (c == null || c < min || c > max) {
                throw new IllegalArgumentException(kind + " status code " + c + " is out of range " + min + "-" + max);
            }
        }
        return java.util.Collections.unmodifiableSet(new TreeSet<>(codes));
    }
}
