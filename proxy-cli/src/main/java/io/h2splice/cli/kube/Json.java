package io.h2splice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON tree helpers the mutation shares; Kubernetes objects stay Jackson trees, never typed models. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** A string-to-string map field ({@code labels}, {@code annotations}); non-text values are skipped. */
    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    /** {@code {"name": n, "value": v}}, an env var. */
    static ObjectNode envVar(String name, String value) {
        ObjectNode e = object();
        e.put("name", name);
        e.put("value", value);
        return e;
    }

    /** An RFC 6901 JSON Pointer token: {@code ~} as {@code ~0} and {@code /} as {@code ~1}. */
    static String pointerToken(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
