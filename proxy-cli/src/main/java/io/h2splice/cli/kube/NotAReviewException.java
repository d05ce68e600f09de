package io.h2splice.cli.kube;

/** A {@code /mutate} body that is not an AdmissionReview at all: answered with HTTP 400 and this message. */
final class NotAReviewException extends Exception {

    NotAReviewException(String message) {
        super(message, null, false, false);
    }
}
