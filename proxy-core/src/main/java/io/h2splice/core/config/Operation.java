package io.h2splice.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of a policy's {@code operations}.
 *
 * @param name     the operation; for gRPC the full method ({@code /pkg.Service/Method}); a leading {@code /} is added
 *                 when missing, as Dapr does. Case is kept (gRPC matching is case-sensitive)
 * @param httpVerb HTTP verbs in upper case, or {@code *}; ignored for gRPC
 * @param action   {@code allow} or {@code deny} (lower case)
 */
public record Operation(String name, List<String> httpVerb, String action) {

    public Operation {
        name = Actions.requireText(name, "name");
        if (!name.startsWith("/")) {
            name = "/" + name;
        }
        List<String> verbs = new ArrayList<>();
        if (httpVerb != null) {
            for (String v : httpVerb) {
                verbs.add(Actions.requireText(v, "httpVerb").toUpperCase(Locale.ROOT));
            }
        }
        httpVerb = List.copyOf(verbs);
        action = Actions.normalise(Actions.requireText(action, "action"), "action");
    }
}
