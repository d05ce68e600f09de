package io.h2splice.cli.kube;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A multi-document YAML stream split at its {@code ---} lines, each document kept as its original text (so an
 * untouched one is written back byte for byte, comments included) and parsed on its own (so a syntax error names
 * the line in the whole file). A changed document is written back from its tree, without comments.
 */
final class YamlDocuments {

    /** One document: its text, the file line it starts on (1-based) and its tree (null when empty). */
    record Document(String text, int firstLine, JsonNode tree) {
    }

    private static final Pattern SEPARATOR = Pattern.compile("---\\s*(#.*)?");
    private static final Pattern END = Pattern.compile("\\.\\.\\.\\s*(#.*)?");
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private YamlDocuments() {
    }

    /**
     * @param source names the input in messages: a file name or {@code <stdin>}
     * @throws InjectException naming {@code source:line} of the first syntax error
     */
    static List<Document> parse(String text, String source) throws InjectException {
        List<Document> docs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int start = 1;
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (SEPARATOR.matcher(bare).matches() || END.matcher(bare).matches()) {
                if (lineNo > 1 || cur.length() > 0) {
                    docs.add(document(cur.toString(), start, source));
                }
                cur.setLength(0);
                start = lineNo + 1;
                continue;
            }
            cur.append(line).append('\n');
        }
        String last = cur.toString();
        if (last.endsWith("\n") && text.endsWith("\n")) {
            last = last.substring(0, last.length() - 1); // the split's empty tail after the final newline
        }
        if (!last.isBlank() || docs.isEmpty()) {
            docs.add(document(last, start, source));
        }
        return docs;
    }

    private static Document document(String text, int firstLine, String source) throws InjectException {
        try {
            JsonNode tree = text.isBlank() ? null : YAML.readTree(text);
            return new Document(text, firstLine, tree == null || tree.isMissingNode() || tree.isNull() ? null : tree);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null || at.getLineNr() < 1 ? firstLine : firstLine + at.getLineNr() - 1;
            throw new InjectException(source + ":" + line + ": invalid YAML: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** A tree as YAML text ending in a newline. */
    static String write(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e); // a tree read from YAML always writes
        }
    }

    /** The documents' texts joined by {@code ---} lines. */
    static String join(List<String> texts) {
        StringBuilder out = new StringBuilder();
        for (String t : texts) {
            if (out.length() > 0) {
                out.append("---\n");
            }
            out.append(t);
            if (!t.isEmpty() && !t.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
