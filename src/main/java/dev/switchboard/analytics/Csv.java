package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports as CSV (RFC 4180): nested fields become dotted column names. A text cell that a
 * spreadsheet would run as a formula (an agent named "=HYPERLINK(…)") is prefixed with a quote.
 */
final class Csv {
    static final String MEDIA_TYPE = "text/csv";

    private Csv() {
    }

    /** One row per leaf of the report: {@code field,value}. */
    static String pairs(JsonNode report) {
        StringBuilder out = new StringBuilder("field,value\r\n");
        flatten("", report).forEach((field, value) -> out.append(cell(field)).append(',').append(cell(value))
                .append("\r\n"));
        return out.toString();
    }

    /** One row per element of {@code rows}, the columns those of the first. */
    static String table(JsonNode rows) {
        List<Map<String, JsonNode>> flat = new ArrayList<>();
        rows.forEach(row -> flat.add(flatten("", row)));
        StringBuilder out = new StringBuilder();
        List<String> columns = flat.isEmpty() ? List.of() : new ArrayList<>(flat.get(0).keySet());
        out.append(String.join(",", columns.stream().map(Csv::cell).toList())).append("\r\n");
        for (Map<String, JsonNode> row : flat) {
            List<String> cells = new ArrayList<>(columns.size());
            for (String column : columns) {
                cells.add(cell(row.get(column)));
            }
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return cell(new TextNode(text));
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            return value.asText();
        }
        String text = value.asText();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static Map<String, JsonNode> flatten(String prefix, JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.putAll(flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue()));
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                // a distribution: {bucket, count} elements become one column per bucket
                String name = element.has("bucket") ? element.path("bucket").asText() : String.valueOf(out.size());
                out.putAll(flatten(prefix + "." + name, element.has("count") && element.size() == 2
                        ? element.path("count") : element));
            }
        } else {
            out.put(prefix, node);
        }
        return out;
    }
}
