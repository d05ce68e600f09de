package io.h2splice.core.runtime;

/** A sidecar could not start; the message is one line a user can act on (e.g. "port 50001 is already in use"). */
public final class ProxyStartException extends Exception {
    public ProxyStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
