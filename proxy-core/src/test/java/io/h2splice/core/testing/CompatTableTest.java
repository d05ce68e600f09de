package io.h2splice.core.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompatTableTest {

    private static final String README = "# x\n\n" + CompatTable.START + "\n| suite or client | language | cases | passed |\n"
            + "| --- | --- | --- | --- |\n| h2spec, API | Go, h2spec v2 | 145 | 126 |\n" + CompatTable.END + "\n| h2spec, API | outside | 1 | 1 |\n";

    @Test
    void findsARowByItsFirstCellInsideTheMarkersOnly() {
        assertEquals("| h2spec, API | Go, h2spec v2 | 145 | 126 |", CompatTable.rowOf(README, "h2spec, API"));
        assertEquals(new CompatTable.Row("h2spec, API", "Go, h2spec v2", 145, "126").line(),
                CompatTable.rowOf(README, "h2spec, API"));
        assertNull(CompatTable.rowOf(README, "h2spec"), "a prefix of a suite's name is not its row");
    }

    @Test
    void aReadmeWithoutTheMarkersIsAClearFailure() {
        AssertionError e = assertThrows(AssertionError.class, () -> CompatTable.rowOf("# no table", "x"));
        assertEquals("README.md has no table between " + CompatTable.START + " and " + CompatTable.END, e.getMessage());
    }
}
