package dev.switchboard.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Request bodies read the way every endpoint reads them: a blank body is absent, malformed JSON is a 400 problem. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /** The body as {@code type}; null when it is blank (or the JSON {@code null}). */
    public static <T> T optional(ObjectMapper mapper, String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw ProblemException.malformedJson(e);
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
}
