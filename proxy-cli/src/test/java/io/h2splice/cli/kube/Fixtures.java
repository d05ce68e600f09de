package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The AdmissionReview fixtures in {@code src/test/resources/kube}, and the pod a review's patch makes. */
final class Fixtures {

    private Fixtures() {
    }

    static ObjectNode review(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/kube/" + name)) {
            if (in == null) {
                throw new IOException("no fixture /kube/" + name);
            }
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    static String text(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/kube/" + name)) {
            if (in == null) {
                throw new IOException("no fixture /kube/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The JSON Patch of an answer, decoded from base64. */
    static JsonNode patch(JsonNode answer) throws IOException {
        return Json.MAPPER.readTree(Base64.getDecoder().decode(answer.path("response").path("patch").asText()));
    }

    /**
     * The review's pod with the answer's patch applied by java-json-tools' RFC 6902 implementation (not the
     * zjsonpatch that {@code inject} uses), as the API server would apply it.
     */
    static JsonNode patchedPod(JsonNode review, JsonNode answer) throws Exception {
        return JsonPatch.fromJson(patch(answer)).apply(review.path("request").path("object"));
    }
}
