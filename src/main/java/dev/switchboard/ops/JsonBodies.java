package dev.switchboard.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.switchboard.events.MessageText;
import java.util.Iterator;
import java.util.Map;

/**
 * Request bodies read the way every endpoint reads them: a blank body is absent, and a 400 problem
 * answers malformed JSON, a string (value or field name) that PostgreSQL cannot store wherever it is
 * in the body (refused before anything runs, rather than failing in a transaction, being stored as
 * {@code ?} or losing a character to a trim), a value of another JSON type than its field's, and a
 * field the operation does not take.
 */
public final class JsonBodies {
    private record Strict(ObjectMapper of, ObjectMapper copy) {
    }

    private static volatile Strict strict;

    private JsonBodies() {
    }

    /** The body as {@code type}; null when it is blank (or the JSON {@code null}). */
    public static <T> T optional(ObjectMapper mapper, String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode tree = tree(mapper, body);
        try {
            return strict(mapper).treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw ProblemException.malformedJson(e);
        }
    }

    /**
     * {@code mapper}, except that a value must have its field's JSON type: no 123 read as the text
     * "123" (the WebSocket refuses it), no "30" or 1.5 read as the number 30 or 1, no 1 as true (a
     * whole number for a decimal field is still fine); and a field the operation does not know is
     * refused, not ignored: a misspelt retention period would otherwise reset the policy.
     */
    private static ObjectMapper strict(ObjectMapper mapper) {
        Strict known = strict;
        if (known != null && known.of() == mapper) {
            return known.copy();
        }
        ObjectMapper copy = mapper.copy().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        failCoercions(copy, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        failCoercions(copy, LogicalType.Integer, CoercionInputShape.Float, CoercionInputShape.String,
                CoercionInputShape.Boolean);
        failCoercions(copy, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.Boolean);
        failCoercions(copy, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.String);
        strict = new Strict(mapper, copy);
        return copy;
    }

    private static void failCoercions(ObjectMapper mapper, LogicalType type, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** The body as {@code type}; when it is absent, a 400 problem with {@code missing} as its detail. */
    public static <T> T required(ObjectMapper mapper, String body, Class<T> type, String missing) {
        T value = optional(mapper, body, type);
        if (value == null) {
            throw ProblemException.badRequest(missing);
        }
        return value;
    }

    /** The body as a tree (a blank body is a missing node), every string in it storable. */
    public static JsonNode tree(ObjectMapper mapper, String body) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw ProblemException.malformedJson(e);
        }
        requireStorable(tree, "");
        return tree;
    }

    private static void requireStorable(JsonNode node, String path) {
        if (node.isTextual()) {
            refuse(MessageText.problem(path.isEmpty() ? "body" : path, node.textValue()));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                refuse(MessageText.problem("a field name" + (path.isEmpty() ? "" : " in " + path), name));
                requireStorable(field.getValue(), path.isEmpty() ? name : path + "." + name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireStorable(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static void refuse(String problem) {
        if (problem != null) {
            throw ProblemException.badRequest(problem.substring(0, 1).toUpperCase() + problem.substring(1) + ".");
        }
    }
}
