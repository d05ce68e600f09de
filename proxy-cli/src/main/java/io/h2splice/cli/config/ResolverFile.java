package io.h2splice.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.h2splice.core.resolve.AppKey;
import io.h2splice.core.resolve.RegistryEntry;
import io.h2splice.core.resolve.StaticResolver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code --resolver-file}: static name resolution for apps whose sidecars are not in the local registry.
 *
 * <pre>
 * apps:
 *   - appId: server
 *     namespace: default          # optional, default "default"
 *     addresses: ["127.0.0.1:50002", "[::1]:50012", "node-2.internal:50002"]
 * </pre>
 *
 * Addresses are the target sidecars' internal gRPC ports. Host names are resolved once, here, at start. Every error
 * names the file, the line and column, and the field.
 */
public final class ResolverFile {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final Path file;
    private final JsonParser p;

    private ResolverFile(Path file, JsonParser p) {
        this.file = file;
        this.p = p;
    }

    /** @throws ConfigException with one line naming the file, the position and the field */
    public static StaticResolver read(Path file) throws ConfigException {
        try (JsonParser p = YAML.createParser(file.toFile())) {
            return new StaticResolver(new ResolverFile(file, p).document());
        } catch (JsonProcessingException e) {
            throw invalidYaml(file, e);
        } catch (IOException e) {
            throw ConfigException.of(file, "cannot read: " + e.getMessage());
        }
    }

    /** SnakeYAML knows where the problem is and says what it is in one phrase; Jackson's message is a page. */
    static ConfigException invalidYaml(Path file, JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m && m.getProblemMark() != null && m.getProblem() != null) {
                Mark mark = m.getProblemMark();
                return ConfigException.at(file, mark.getLine() + 1, mark.getColumn() + 1, "",
                        "invalid YAML: " + m.getProblem());
            }
        }
        return ConfigException.at(file, e.getLocation(), "", "invalid YAML: " + e.getOriginalMessage());
    }

    private Map<AppKey, List<InetSocketAddress>> document() throws IOException, ConfigException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw ConfigException.of(file, "the file is empty; expected 'apps:'");
        }
        if (t != JsonToken.START_OBJECT) {
            throw error("", "expected a mapping with 'apps:'");
        }
        Map<AppKey, List<InetSocketAddress>> apps = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonLocation key = p.currentTokenLocation();
            p.nextToken();
            if (!"apps".equals(name)) {
                throw ConfigException.at(file, key, name, "unknown field (expected 'apps')");
            }
            apps = apps();
        }
        if (apps == null) {
            throw error("", "missing 'apps:'");
        }
        return apps;
    }

    private Map<AppKey, List<InetSocketAddress>> apps() throws IOException, ConfigException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error("apps", "expected a list of apps");
        }
        Map<AppKey, List<InetSocketAddress>> apps = new LinkedHashMap<>();
        Map<AppKey, String> seenAt = new HashMap<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String path = "apps[" + i + "]";
            App app = app(path);
            String previous = seenAt.putIfAbsent(app.key, path);
            if (previous != null) {
                throw ConfigException.at(file, app.where, path, "app '" + app.key.appId() + "' in namespace '"
                        + app.key.namespace() + "' is already listed at " + previous);
            }
            apps.put(app.key, app.addresses);
        }
        return apps;
    }

    private App app(String path) throws IOException, ConfigException {
        JsonLocation where = p.currentTokenLocation();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(path, "expected a mapping with appId, namespace and addresses");
        }
        String appId = null;
        String namespace = "default";
        List<InetSocketAddress> addresses = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String field = path + "." + name;
            JsonLocation key = p.currentTokenLocation();
            p.nextToken();
            switch (name) {
                case "appId" -> appId = name(field, "app id");
                case "namespace" -> namespace = name(field, "namespace");
                case "addresses" -> addresses = addresses(field);
                default -> throw ConfigException.at(file, key, field,
                        "unknown field (expected appId, namespace or addresses)");
            }
        }
        if (appId == null) {
            throw ConfigException.at(file, where, path, "missing 'appId'");
        }
        if (addresses == null) {
            throw ConfigException.at(file, where, path, "missing 'addresses'");
        }
        return new App(new AppKey(appId, namespace), addresses, where);
    }

    private List<InetSocketAddress> addresses(String field) throws IOException, ConfigException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error(field, "expected a list of host:port");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String item = field + "[" + i + "]";
            try {
                out.add(HostPort.resolve(scalar(item)));
            } catch (IllegalArgumentException e) {
                throw error(item, e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw error(field, "at least one address is required");
        }
        return out;
    }

    private String name(String field, String what) throws IOException, ConfigException {
        String v = scalar(field);
        try {
            return RegistryEntry.requireValidName(v, what);
        } catch (IllegalArgumentException e) {
            throw error(field, e.getMessage());
        }
    }

    private String scalar(String field) throws IOException, ConfigException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            throw error(field, "must not be empty");
        }
        if (!t.isScalarValue()) {
            throw error(field, "expected a single value, not a " + (t == JsonToken.START_ARRAY ? "list" : "mapping"));
        }
        return p.getText().strip();
    }

    private ConfigException error(String field, String problem) {
        return ConfigException.at(file, p.currentTokenLocation(), field, problem);
    }

    private record App(AppKey key, List<InetSocketAddress> addresses, JsonLocation where) {
    }
}
