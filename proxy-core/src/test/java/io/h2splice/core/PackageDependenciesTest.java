package io.h2splice.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of proxy-core depend on each other one way (issue #16): no cycle among them, read from the import
 * lines and fully qualified names of {@code src/main/java}. The shared hop types ({@code hop}) depend on no other
 * package, and the splice engine is given its routers rather than knowing the outbound and inbound stacks.
 */
class PackageDependenciesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.h2splice\\.core[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.h2splice\\.core(?:\\.[a-z][\\w]*)*)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertTrue(graph.size() > 10, "packages found: " + graph.keySet());
        List<String> cycle = findCycle(graph);
        assertEquals(List.of(), cycle, "a cycle among proxy-core's packages; dependencies: " + graph);
    }

    @Test
    void theHopTypesDependOnNothingAndTheEngineNotOnTheStacks() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertEquals(Set.of(), graph.get("io.h2splice.core.hop"), "hop");
        Set<String> splice = graph.get("io.h2splice.core.splice");
        for (String stack : List.of("outbound", "inbound", "acl")) {
            assertTrue(!splice.contains("io.h2splice.core." + stack), "splice depends on " + stack + ": " + splice);
        }
    }

    /** Package → the other proxy-core packages its main sources name. */
    static Map<String, Set<String>> graph() throws IOException {
        Path root = Path.of("src/main/java");
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher pm = PACKAGE.matcher(text);
            if (!pm.find()) {
                continue;
            }
            String own = pm.group(1);
            Set<String> deps = graph.computeIfAbsent(own, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(text.substring(pm.end()));
            while (m.find()) {
                String other = m.group(1);
                if (!other.equals(own)) {
                    deps.add(other);
                }
            }
        }
        return graph;
    }

    /** One cycle as the packages along it, or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String start : graph.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = visit(start, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String p, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      Deque<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String q : (Iterable<String>) path::descendingIterator) {
                in |= q.equals(p);
                if (in) {
                    cycle.add(q);
                }
            }
            cycle.add(p);
            return cycle;
        }
        state.put(p, 1);
        path.push(p);
        for (String q : graph.getOrDefault(p, new HashSet<>())) {
            List<String> c = visit(q, graph, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.pop();
        state.put(p, 2);
        return List.of();
    }
}
