package dev.switchboard.events;

import com.fasterxml.jackson.databind.JsonNode;

/** An event to be written beside a processing commit (assistant message, transition, error). */
public record NewEvent(String type, JsonNode payload) {
}
