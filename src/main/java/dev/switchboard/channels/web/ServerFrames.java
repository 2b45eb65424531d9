package dev.switchboard.channels.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.outbox.Effect;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes the frames the server sends (ARCHITECTURE.md section 5). */
@ApplicationScoped
class ServerFrames {
    private final ObjectMapper mapper;
    private final ObjectNode bot;

    ServerFrames(ObjectMapper mapper) {
        this.mapper = mapper;
        this.bot = mapper.createObjectNode().put("kind", "bot");
    }

    String accepted(String clientId, long seq) {
        ObjectNode frame = mapper.createObjectNode().put("type", "accepted");
        if (clientId != null) {
            frame.put("id", clientId);
        }
        return write(frame.put("seq", seq));
    }

    String effect(Effect effect) {
        ObjectNode frame = mapper.createObjectNode().put("type", effect.type()).put("seq", effect.seq());
        if (Effect.MESSAGE.equals(effect.type())) {
            frame.put("replyTo", effect.replyTo()).put("text", effect.payload().path("text").asText());
            JsonNode from = effect.payload().path("from");
            // who is speaking: the bot, or a person on the desk (their name, never their id)
            frame.set("from", from.isObject() ? mapper.createObjectNode().put("kind", from.path("kind").asText())
                    .put("name", from.path("name").asText()) : bot);
        } else {
            effect.payload().fields().forEachRemaining(field -> frame.set(field.getKey(), field.getValue()));
        }
        return write(frame);
    }

    String token(long replyTo, String text) {
        return write(mapper.createObjectNode().put("type", "token").put("replyTo", replyTo).put("text", text));
    }

    /** The socket listens now: a client sends its first frame after this one. */
    String ready() {
        return write(mapper.createObjectNode().put("type", "ready"));
    }

    /** A person on the desk is typing: ephemeral, like tokens. */
    String typing(String agentName) {
        ObjectNode frame = mapper.createObjectNode().put("type", "typing");
        frame.putObject("from").put("kind", "agent").put("name", agentName);
        return write(frame);
    }

    String error(String code, String message, String clientId) {
        ObjectNode frame = mapper.createObjectNode().put("type", "error").put("code", code).put("message", message);
        if (clientId != null) {
            frame.put("id", clientId);
        }
        return write(frame);
    }

    String pong() {
        return "{\"type\":\"pong\"}";
    }

    private String write(ObjectNode frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("frame is not serialisable", e);
        }
    }
}
