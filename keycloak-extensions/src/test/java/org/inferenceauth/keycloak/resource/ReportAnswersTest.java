package org.inferenceauth.keycloak.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.inferenceauth.keycloak.usage.UsageTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportAnswersTest {

    @Test
    @DisplayName("CSV per RFC 4180: header row, CRLF, fields with commas, quotes or line breaks quoted, null empty")
    void csv() {
        UsageTable table = new UsageTable("rows", List.of("project", "requests"), List.of(
                List.of("astro", 3L),
                Arrays.asList(null, 4L),
                List.of("bio, \"cells\"", 5L),
                List.of("two\nlines", 6L)));
        assertThat(ReportAnswers.csv(table)).isEqualTo(
                "project,requests\r\nastro,3\r\n,4\r\n\"bio, \"\"cells\"\"\",5\r\n\"two\nlines\",6\r\n");
    }

    @Test
    @DisplayName("text a spreadsheet would run as a formula is defused with a leading quote; numbers stay numbers")
    void formulaInjection() {
        UsageTable table = new UsageTable("rows", List.of("username", "requests"), List.of(
                List.of("=HYPERLINK(\"http://evil\")", 1L),
                List.of("+1", 2L),
                List.of("-2", 3L),
                List.of("@SUM(A1)", 4L),
                List.of("plain-name", -5L)));
        assertThat(ReportAnswers.csv(table)).isEqualTo("username,requests\r\n"
                + "\"'=HYPERLINK(\"\"http://evil\"\")\",1\r\n'+1,2\r\n'-2,3\r\n'@SUM(A1),4\r\nplain-name,-5\r\n");
    }
}
