package dev.switchboard.channels.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.MessageText;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;

/** Parses and validates client frames against the protocol and the configured limits. */
@ApplicationScoped
class FrameReader {
    private static final int MAX_ID_LENGTH = 255;

    private final ObjectMapper mapper;
    private final WebChatConfig config;

    FrameReader(ObjectMapper mapper, WebChatConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    ClientFrame read(String raw) throws FrameRejected {
        if (utf8Length(raw, config.maxFrameBytes()) > config.maxFrameBytes()) {
            throw new FrameRejected("frame_too_large", "frames are limited to " + config.maxFrameBytes() + " bytes",
                    null);
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(raw);
        } catch (Exception e) {
            throw new FrameRejected("invalid_json", "the frame is not valid JSON", null);
        }
        if (frame == null || !frame.isObject()) {
            throw new FrameRejected("invalid_frame", "a frame must be a JSON object", null);
        }
        JsonNode type = frame.get("type");
        if (type == null || !type.isTextual()) {
            throw new FrameRejected("missing_type", "the frame has no 'type'", null);
        }
        return switch (type.asText()) {
            case "message" -> message(frame);
            case "resume" -> new ClientFrame.Resume(nonNegative(frame, "afterSeq"));
            case "ack" -> new ClientFrame.Ack(nonNegative(frame, "seq"));
            case "ping" -> new ClientFrame.Ping();
            case "typing" -> new ClientFrame.Typing();
            default -> throw new FrameRejected("unknown_type", "unknown frame type '" + abbreviate(type.asText()) + "'",
                    null);
        };
    }

    private ClientFrame.Message message(JsonNode frame) throws FrameRejected {
        String id = null;
        JsonNode idNode = frame.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.asText().isEmpty() || idNode.asText().length() > MAX_ID_LENGTH) {
                throw new FrameRejected("invalid_id", "'id' must be a string of 1 to " + MAX_ID_LENGTH + " characters",
                        null);
            }
            id = idNode.asText();
            String idProblem = MessageText.problem("id", id);
            if (idProblem != null) {
                throw new FrameRejected("invalid_id", idProblem, null);
            }
        }
        JsonNode text = frame.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new FrameRejected("missing_text", "a message needs a non-empty 'text'", id);
        }
        if (utf8Length(text.asText(), config.maxTextBytes()) > config.maxTextBytes()) {
            throw new FrameRejected("text_too_long", "message text is limited to " + config.maxTextBytes() + " bytes",
                    id);
        }
        String textProblem = MessageText.problem("text", text.asText());
        if (textProblem != null) {
            throw new FrameRejected("invalid_text", textProblem, id);
        }
        return new ClientFrame.Message(id, text.asText());
    }

    private static long nonNegative(JsonNode frame, String field) throws FrameRejected {
        JsonNode value = frame.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new FrameRejected("invalid_" + field.toLowerCase(), "'" + field + "' must be a non-negative integer",
                    null);
        }
        return value.asLong();
    }

    /** UTF-8 length, computed only when the char count alone cannot settle the comparison with limit. */
    private static int utf8Length(String s, int limit) {
        if ((long) s.length() * 3 <= limit) {
            return s.length();
        }
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
