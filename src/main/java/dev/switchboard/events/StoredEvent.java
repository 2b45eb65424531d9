package dev.switchboard.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One row of the append-only log; {@code traceParent} is the trace that stored it (inbound events only). */
public record StoredEvent(long sessionId, long seq, String type, JsonNode payload, String clientMsgId,
        String correlationId, Instant createdAt, String traceParent) {
}
