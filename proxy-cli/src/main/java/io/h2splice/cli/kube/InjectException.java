package io.h2splice.cli.kube;

/** Input {@code h2splice inject} cannot read: a one-line message starting with {@code file:line}. */
final class InjectException extends Exception {

    InjectException(String message) {
        super(message, null, false, false);
    }
}
