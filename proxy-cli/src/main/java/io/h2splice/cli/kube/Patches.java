package io.h2splice.cli.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.zjsonpatch.JsonPatch;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies an RFC 6902 patch to a tree, as the API server applies the webhook's: with zjsonpatch, which comes with
 * the fabric8 client. That copy of zjsonpatch works on Jackson 3 trees, so the (small) pod template crosses over as
 * text.
 */
final class Patches {

    private static final ObjectMapper JACKSON3 = JsonMapper.builder().build();

    private Patches() {
    }

    static JsonNode apply(JsonNode patch, JsonNode target) {
        tools.jackson.databind.JsonNode out =
                JsonPatch.apply(JACKSON3.readTree(patch.toString()), JACKSON3.readTree(target.toString()));
        try {
            return Json.MAPPER.readTree(JACKSON3.writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("zjsonpatch wrote JSON that Jackson cannot read", e);
        }
    }
}
