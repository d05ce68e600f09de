package io.h2splice.cli.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * AdmissionReview in, AdmissionReview out ({@code admission.k8s.io/v1}; a {@code v1beta1} review is answered in
 * kind). Never blocks a pod: every answer to a review is {@code allowed: true}, with a JSONPatch when the pod gets
 * the sidecar and with {@code warnings} when something was wrong with the review or the annotations. Stateless and
 * thread-safe.
 */
final class AdmissionReviewer {

    /** What to send back, and the Service to create or update when the pod was patched (else null). */
    record Answer(ObjectNode review, ObjectNode service) {
    }

    private final PodPatcher patcher;
    private final boolean mtls;

    AdmissionReviewer(PodPatcher patcher, boolean mtls) {
        this.patcher = Objects.requireNonNull(patcher, "patcher");
        this.mtls = mtls;
    }

    /** @throws NotAReviewException when {@code body} is not JSON or not an AdmissionReview */
    Answer answer(byte[] body) throws NotAReviewException {
        JsonNode review;
        try {
            review = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NotAReviewException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new NotAReviewException("the body cannot be read: " + e.getMessage());
        }
        if (review == null || !review.isObject() || !"AdmissionReview".equals(review.path("kind").asText())) {
            throw new NotAReviewException("the body is not an AdmissionReview (want a JSON object with "
                    + "\"kind\": \"AdmissionReview\", \"apiVersion\": \"admission.k8s.io/v1\")");
        }
        return answer(review);
    }

    Answer answer(JsonNode review) {
        String apiVersion = review.path("apiVersion").asText("admission.k8s.io/v1");
        JsonNode request = review.path("request");
        String uid = request.path("uid").asText("");
        if (!request.isObject() || uid.isEmpty()) {
            return new Answer(response(apiVersion, uid, null, List.of(
                    "h2splice: malformed AdmissionReview: no request or no request.uid; pod admitted unchanged")), null);
        }
        JsonNode kind = request.path("kind");
        if (!"Pod".equals(kind.path("kind").asText()) || !kind.path("group").asText("").isEmpty()) {
            return new Answer(response(apiVersion, uid, null, List.of("h2splice: not a Pod ("
                    + kind.path("group").asText("") + "/" + kind.path("kind").asText("?")
                    + "); admitted unchanged")), null);
        }
        JsonNode pod = request.path("object");
        if (!pod.isObject()) {
            return new Answer(response(apiVersion, uid, null, List.of(
                    "h2splice: malformed AdmissionReview: no request.object; pod admitted unchanged")), null);
        }
        String name = text(pod.path("metadata").path("name"), text(request.path("name"), null));
        Mutation m = patcher.mutate(pod, name);
        if (m instanceof Mutation.Patched p) {
            String ns = text(request.path("namespace"), text(pod.path("metadata").path("namespace"), "default"));
            ObjectNode service = request.path("dryRun").asBoolean(false) ? null
                    : DaprService.of(p.annotations(), ns, DaprService.appIdSelector(p.annotations()), mtls);
            return new Answer(response(apiVersion, uid, p.patch(), List.of()), service);
        }
        List<String> warnings = m instanceof Mutation.Rejected r ? r.warnings() : List.of();
        return new Answer(response(apiVersion, uid, null, warnings), null);
    }

    private static ObjectNode response(String apiVersion, String uid, ArrayNode patch, List<String> warnings) {
        ObjectNode out = Json.object();
        out.put("apiVersion", apiVersion);
        out.put("kind", "AdmissionReview");
        ObjectNode r = out.putObject("response");
        r.put("uid", uid);
        r.put("allowed", true);
        if (patch != null) {
            r.put("patchType", "JSONPatch");
            r.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
        }
        if (!warnings.isEmpty()) {
            ArrayNode w = r.putArray("warnings");
            warnings.forEach(w::add);
        }
        return out;
    }

    private static String text(JsonNode n, String dflt) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : dflt;
    }
}
