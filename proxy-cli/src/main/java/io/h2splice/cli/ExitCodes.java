package io.h2splice.cli;

/** The exit codes of the {@code h2splice} command other than an app's own exit code. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** Something failed at run time: a port in use, an app that cannot start, an unknown app to stop. */
    public static final int FAILURE = 1;
    /** Bad command line or input file: nothing was started. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
