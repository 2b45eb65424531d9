package dev.switchboard.outbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An effect to be recorded beside a processing commit. {@code channel} names where it goes when that
 * is not the session's own channel (an outside desk such as Genesys); null for the session's.
 */
public record NewEffect(String type, JsonNode payload, String channel) {
    public NewEffect(String type, JsonNode payload) {
        this(type, payload, null);
    }
}
