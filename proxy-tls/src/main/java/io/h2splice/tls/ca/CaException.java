package io.h2splice.tls.ca;

/**
 * A certificate authority or PEM problem, with a one-line message that names the file and what is wrong with it
 * (for example {@code "/home/u/.h2splice/ca/issuer.key: no PRIVATE KEY block"}). Commands print the message as is.
 */
public final class CaException extends Exception {

    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
