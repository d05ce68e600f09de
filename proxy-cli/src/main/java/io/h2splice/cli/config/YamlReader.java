package io.h2splice.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the readers of Dapr's YAML resources share: a YAML tree that remembers where each value is, typed accessors
 * that fail with one line naming the file, position and field path, and Go's duration syntax.
 */
abstract class YamlReader {

    static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    final Path file;
    final Consumer<String> ignored;

    YamlReader(Path file, Consumer<String> ignored) {
        this.file = file;
        this.ignored = ignored;
    }

    /** Every document of the file in order; an empty document is a node whose value is null. */
    static List<Node> documents(Path file) throws ConfigException {
        List<Node> docs = new ArrayList<>();
        try (JsonParser p = YAML.createParser(file.toFile())) {
            while (p.nextToken() != null) {
                docs.add(tree(p));
            }
        } catch (JsonProcessingException e) {
            throw ResolverFile.invalidYaml(file, e);
        } catch (IOException e) {
            throw ConfigException.of(file, "cannot read: " + e.getMessage());
        }
        return docs;
    }

    // ---- fields and values

    static boolean present(Map<String, Field> m, String name) {
        Field f = m.get(name);
        return f != null && f.value.value != null;
    }

    String required(Map<String, Field> m, Node owner, String path, String name) throws ConfigException {
        String v = optText(m, path, name);
        if (v == null) {
            throw error(owner, path, name + " is required");
        }
        return v;
    }

    String optText(Map<String, Field> m, String path, String name) throws ConfigException {
        if (!present(m, name)) {
            return null;
        }
        String v = text(m.get(name).value, path + "." + name);
        return v.isEmpty() ? null : v;
    }

    boolean bool(Node v, String path, boolean dflt) throws ConfigException {
        if (v.value == null) {
            return dflt;
        }
        if (v.value instanceof Boolean b) {
            return b;
        }
        String s = text(v, path).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(v, path, "expected true or false, got '" + s + "'");
        };
    }

    Duration duration(Node v, String path) throws ConfigException {
        String s = text(v, path);
        try {
            return goDuration(s);
        } catch (IllegalArgumentException e) {
            throw error(v, path, e.getMessage());
        }
    }

    /** Go's {@code time.ParseDuration}: {@code 24h}, {@code 15m}, {@code 1h30m}, {@code 1.5s}, {@code 300ms}, {@code 0}. */
    public static Duration goDuration(String s) {
        String bad = "expected a duration such as 24h, 15m, 90s or 1h30m, got '" + s + "'";
        String t = s.strip();
        boolean negative = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            negative = t.startsWith("-");
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException(bad);
        }
        Matcher m = DURATION_PART.matcher(t);
        int at = 0;
        java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(bad);
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(unit)));
            at = m.end();
        }
        try {
            long n = nanos.longValueExact();
            return Duration.ofNanos(negative ? -n : n);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: '" + s + "'");
        }
    }

    String text(Node v, String path) throws ConfigException {
        if (v.value instanceof Map || v.value instanceof List) {
            throw error(v, path, "expected a single value, not a " + (v.value instanceof List ? "list" : "mapping"));
        }
        return v.value == null ? "" : v.value.toString().strip();
    }

    @SuppressWarnings("unchecked")
    Map<String, Field> mapping(Node v, String path, String expected) throws ConfigException {
        if (!(v.value instanceof Map)) {
            throw error(v, path, "expected " + expected);
        }
        return (Map<String, Field>) v.value;
    }

    @SuppressWarnings("unchecked")
    List<Node> list(Node v, String path) throws ConfigException {
        if (!(v.value instanceof List)) {
            throw error(v, path, "expected a list");
        }
        return (List<Node>) v.value;
    }

    void ignoreOthers(Map<String, Field> m, String path, String... known) {
        List<String> k = List.of(known);
        for (Map.Entry<String, Field> e : m.entrySet()) {
            if (!k.contains(e.getKey())) {
                JsonLocation at = e.getValue().key;
                ignored.accept(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": "
                        + (path.isEmpty() ? "" : path + ".") + e.getKey() + ": not read by h2splice, ignored");
            }
        }
    }

    <T> T construct(Node at, String path, Ctor<T> ctor) throws ConfigException {
        try {
            return ctor.make();
        } catch (IllegalArgumentException e) {
            throw error(at, path, e.getMessage());
        }
    }

    ConfigException error(Node at, String path, String problem) {
        return ConfigException.at(file, at.where, path, problem);
    }

    interface Ctor<T> {
        T make();
    }

    // ---- a YAML tree that remembers where each value is

    /** A YAML value (a {@code Map<String, Field>}, a {@code List<Node>}, a scalar or null) and where it starts. */
    static final class Node {
        final Object value;
        final JsonLocation where;

        Node(Object value, JsonLocation where) {
            this.value = value;
            this.where = where;
        }
    }

    /** A mapping entry: where its key is and its value. */
    static final class Field {
        final JsonLocation key;
        final Node value;

        Field(JsonLocation key, Node value) {
            this.key = key;
            this.value = value;
        }
    }

    static Node tree(JsonParser p) throws IOException {
        JsonLocation where = p.currentTokenLocation();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Field> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonLocation key = p.currentTokenLocation();
                p.nextToken();
                m.put(name, new Field(key, tree(p)));
            }
            return new Node(m, where);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(tree(p));
            }
            return new Node(l, where);
        }
        return new Node(switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            default -> p.getText();
        }, where);
    }

    @SuppressWarnings("unchecked")
    static Object plain(Node n) {
        if (n.value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Field>) m).forEach((k, f) -> out.put(k, plain(f.value)));
            return out;
        }
        if (n.value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(plain((Node) o));
            }
            return out;
        }
        return n.value;
    }
}
