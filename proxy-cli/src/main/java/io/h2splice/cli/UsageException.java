package io.h2splice.cli;

/**
 * Bad input from the user (a flag value, an environment variable, a file): {@link Main} prints the one-line message
 * after the command's name and exits with {@link ExitCodes#USAGE}. Carries no stack trace.
 */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
