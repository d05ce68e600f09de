package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Objects;

/** What {@link PodPatcher} decided for one pod: a patch, a skip, or bad annotations that leave it unpatched. */
sealed interface Mutation {

    /** The pod gets the sidecar: apply {@code patch} (RFC 6902) to it. */
    record Patched(ArrayNode patch, SidecarAnnotations annotations) implements Mutation {
        public Patched {
            Objects.requireNonNull(patch, "patch");
            Objects.requireNonNull(annotations, "annotations");
        }
    }

    /** Not for injection (not annotated, already injected): allowed as it is, nothing to warn about. */
    record Skipped(String reason) implements Mutation {
    }

    /** Meant for injection but unusable (bad annotation values, no containers): allowed unpatched, with warnings. */
    record Rejected(List<String> warnings) implements Mutation {
        public Rejected {
            warnings = List.copyOf(warnings);
        }
    }
}
