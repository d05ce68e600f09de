package io.h2splice.cli.log;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Dapr-like {@code scope} (and {@code type}) shown for a logger: Dapr's log pipelines filter on these, so our
 * loggers map onto the scopes daprd uses for the same work. Logger names are looked up once each, then cached.
 *
 * @param name    the scope, e.g. {@code dapr.runtime}
 * @param request true for API call lines ({@code type=request}), false for the rest ({@code type=log})
 */
record Scope(String name, boolean request) {

    /** proxy-core's {@code ApiLog} loggers: calls on the API listener (as daprd) and on the internal one (ours). */
    static final String API_LOGGER = "h2splice.api";
    static final String INTERNAL_API_LOGGER = "h2splice.internal-api";

    private static final Scope RUNTIME = new Scope("dapr.runtime", false);
    private static final Scope MESSAGING = new Scope("dapr.runtime.direct_messaging", false);
    private static final Scope SECURITY = new Scope("dapr.runtime.security", false);

    /** Logger name prefixes (a whole name or up to a dot) and their scope; the first match wins. */
    private static final List<Map.Entry<String, Scope>> TABLE = List.of(
            Map.entry(API_LOGGER, new Scope("dapr.runtime.grpc.api-info", true)),
            Map.entry(INTERNAL_API_LOGGER, new Scope("dapr.runtime.grpc.internal-info", true)),
            Map.entry("io.h2splice.cli.config", new Scope("dapr.configuration", false)),
            Map.entry("io.h2splice.cli.ca", SECURITY),
            Map.entry("io.h2splice.tls", SECURITY),
            Map.entry("h2splice.tls", SECURITY),
            Map.entry("io.h2splice.core.http", new Scope("dapr.runtime.http", false)),
            Map.entry("io.h2splice.core.metrics", new Scope("dapr.metrics", false)),
            Map.entry("io.h2splice.core.trace", new Scope("dapr.runtime.diagnostics", false)),
            // daprd's gRPC proxy and its name resolution both log as direct_messaging.
            Map.entry("io.h2splice.core.splice", MESSAGING),
            Map.entry("io.h2splice.core.pool", MESSAGING),
            Map.entry("io.h2splice.core.resolve", MESSAGING),
            Map.entry("io.h2splice.core.routing", MESSAGING),
            Map.entry("io.h2splice.core.inbound", MESSAGING),
            Map.entry("io.h2splice.core.outbound", MESSAGING),
            Map.entry("h2splice.frames", MESSAGING),
            Map.entry("io.netty", new Scope("dapr.runtime.netty", false)));

    private static final Map<String, Scope> CACHE = new ConcurrentHashMap<>();

    /** The scope of a logger; {@code dapr.runtime} for anything not in the table. */
    static Scope of(String loggerName) {
        if (loggerName == null) {
            return RUNTIME;
        }
        return CACHE.computeIfAbsent(loggerName, Scope::lookup);
    }

    String type() {
        return request ? "request" : "log";
    }

    private static Scope lookup(String loggerName) {
        for (Map.Entry<String, Scope> e : TABLE) {
            String prefix = e.getKey();
            if (loggerName.startsWith(prefix)
                    && (loggerName.length() == prefix.length() || loggerName.charAt(prefix.length()) == '.')) {
                return e.getValue();
            }
        }
        return RUNTIME;
    }
}
