package io.h2splice.bench.load;

/** A run that could not start: its one-line reason goes into the report. */
public final class LoadException extends Exception {

    public LoadException(String message) {
        super(message);
    }
}
