package io.h2splice.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spec.nameResolution}.
 *
 * @param component     the resolver, such as {@code mdns}, {@code kubernetes}, {@code sqlite}; null for the default
 * @param version       such as {@code v1}, or null
 * @param configuration the resolver's own settings (maps, lists, strings, numbers, booleans), deeply unmodifiable
 */
public record NameResolution(String component, String version, Map<String, Object> configuration) {

    public NameResolution {
        component = component == null || component.isBlank() ? null : component.strip();
        version = version == null || version.isBlank() ? null : version.strip();
        configuration = configuration == null ? Map.of() : freezeMap(configuration);
    }

    @SuppressWarnings("unchecked")
    private static Object freeze(Object v) {
        if (v instanceof Map<?, ?> m) {
            return freezeMap((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(freeze(o));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    private static Map<String, Object> freezeMap(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, freeze(v)));
        return Collections.unmodifiableMap(out);
    }
}
