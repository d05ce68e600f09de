package io.h2splice.cli.kube;

import java.util.List;

/** Annotation values that cannot be injected: one line per bad value, for an admission response's warnings. */
final class AnnotationException extends Exception {

    private final List<String> problems;

    AnnotationException(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
