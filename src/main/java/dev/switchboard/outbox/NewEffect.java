package dev.switchboard.outbox;

import com.fasterxml.jackson.databind.JsonNode;

/** An effect to be recorded beside a processing commit. */
public record NewEffect(String type, JsonNode payload) {
}
