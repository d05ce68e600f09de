package io.h2splice.core.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonWriterTest {

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        JsonWriter.quote(sb, s);
        return sb.toString();
    }

    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\"", quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\u007f\"", quote("\u0000\u001f\u007f"), "DEL needs no escape");
        assertEquals("\"\\u2028\\u2029\"", quote("\u2028\u2029"));
        assertEquals("\"/<>&é😀\"", quote("/<>&é😀"));
        assertEquals("\"\"", quote(null));
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacter() {
        assertEquals("\"a\ufffdb\ufffd\"", quote("a\ud800b\udc00"));
        assertEquals("\"\ufffd\"", quote("\ud83d"));
    }

    @Test
    void nestsObjects() {
        String json = new JsonWriter().beginObject()
                .field("a", "x")
                .beginObject("o").field("n", 1).field("b", true).endObject()
                .beginObject("e").endObject()
                .field("z", -5)
                .endObject().toString();
        assertEquals("{\"a\":\"x\",\"o\":{\"n\":1,\"b\":true},\"e\":{},\"z\":-5}", json);
    }
}
