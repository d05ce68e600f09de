package io.h2splice.cli.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /mutate} body as the API server, or anyone who reaches the webhook, may send it: any bytes.
 * {@link AdmissionReviewer#answer(byte[])} must either refuse it with a {@link NotAReviewException} (HTTP 400, one
 * line) or answer an AdmissionReview that admits the pod ({@code allowed: true}) under the request's uid, with a
 * JSONPatch that the API server can apply to the pod it sent (checked with java-json-tools' RFC 6902 implementation).
 * A RuntimeException or an Error escaping is a finding (the handler would answer 500 and the pod's creation would
 * fail or wait for the webhook's timeout). Seeds: {@code AdmissionReviewFuzzTestInputs/review}, the reviews in
 * {@code src/test/resources/kube}.
 */
class AdmissionReviewFuzzTest {

    private static final InjectorSettings SETTINGS = InjectorSettings.of("registry.test/h2splice:test", true);
    private final AdmissionReviewer reviewer = new AdmissionReviewer(new PodPatcher(SETTINGS), SETTINGS.mtls());

    @FuzzTest
    void review(byte[] data) throws Exception {
        AdmissionReviewer.Answer answer;
        try {
            answer = reviewer.answer(data);
        } catch (NotAReviewException e) {
            assertFalse(e.getMessage().contains("\n"), "a message of more than one line: " + e.getMessage());
            return;
        }
        ObjectNode out = answer.review();
        JsonNode response = out.path("response");
        assertEquals("AdmissionReview", out.path("kind").asText());
        assertTrue(response.path("allowed").asBoolean(false), "a pod was not admitted: " + out);
        JsonNode review = Json.MAPPER.readTree(data);
        assertEquals(review.path("request").path("uid").asText(""), response.path("uid").asText());
        if (response.has("patch")) {
            Fixtures.patchedPod(review, out); // throws when the patch does not apply to the pod
        }
    }
}
