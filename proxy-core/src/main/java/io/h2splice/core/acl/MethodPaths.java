package io.h2splice.core.acl;

/**
 * The one shape of method path an access list is checked against, so that no spelling of a path can reach the app
 * while a rule sees another: {@code /} followed by non-empty segments of letters, digits and
 * {@code - . _ ~ ! $ & ' ( ) + , = : @}, none of them {@code .} or {@code ..}.
 *
 * <p>Refused, rather than normalised as Dapr does (with purell): {@code %} (no percent-decoding tricks),
 * {@code #} and {@code ?}, {@code ;} and {@code \}, {@code *} (a glob character of the rules), space, control
 * characters, NUL and anything outside ASCII, empty segments ({@code //}, a trailing {@code /}) and dot segments.
 * A real gRPC method ({@code /package.Service/Method}) never has any of these; normalising would check one path and
 * forward another.
 */
public final class MethodPaths {

    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALLOWED[c] = true;
        }
        for (char c : "-._~!$&'()+,=:@/".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private MethodPaths() {
    }

    /** True when {@code path} is a canonical method path (see the class comment). Allocation-free. */
    public static boolean isCanonical(CharSequence path) {
        if (path == null) {
            return false;
        }
        int len = path.length();
        if (len < 2 || path.charAt(0) != '/') {
            return false;
        }
        int segmentStart = 1;
        for (int i = 1; i <= len; i++) {
            char c = i == len ? '/' : path.charAt(i);
            if (c >= 128 || !ALLOWED[c]) {
                return false;
            }
            if (c == '/') {
                int n = i - segmentStart;
                if (n == 0) {
                    return false;
                }
                if (path.charAt(segmentStart) == '.' && (n == 1 || (n == 2 && path.charAt(segmentStart + 1) == '.'))) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }
}
