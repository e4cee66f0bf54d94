package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.usage.UsageTable;

/** A report as JSON ({@code {"<name>":[{column: value…}…]}}) or as RFC 4180 CSV with a header row. */
public final class ReportAnswers {

    private static final MediaType CSV = new MediaType("text", "csv", "utf-8");
    /** Keycloak's own mapper drops null members; a report keeps every column in every row (null = absent). */
    private static final ObjectMapper NULLS_KEPT = new ObjectMapper();

    private ReportAnswers() {}

    public static Response of(UsageTable table, boolean csv, String fileName) {
        if (csv) {
            return Response.ok(csv(table), CSV)
                    .header("Content-Disposition", "attachment; filename=\"" + fileName + ".csv\"")
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            Map<String, Object> json = new LinkedHashMap<>();
            for (int i = 0; i < table.columns().size(); i++) {
                json.put(table.columns().get(i), row.get(i));
            }
            rows.add(json);
        }
        try {
            return Response.ok(NULLS_KEPT.writeValueAsString(Map.of(table.name(), rows)), MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // strings, numbers and nulls always serialise
        }
    }

    static String csv(UsageTable table) {
        StringBuilder out = new StringBuilder();
        line(out, new ArrayList<>(table.columns()));
        table.rows().forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(values.get(i)));
        }
        out.append("\r\n");
    }

    /**
     * RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; null is empty.
     * Text that a spreadsheet would run as a formula (a user-chosen name starting with {@code = + - @},
     * tab or CR) gets a leading {@code '} (OWASP's CSV-injection advice); numbers are written as they are.
     */
    private static String field(Object value) {
        String text = value == null ? "" : value.toString();
        if (value instanceof CharSequence && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
