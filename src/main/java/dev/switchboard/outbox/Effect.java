package dev.switchboard.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sessions.SessionAddress;
import java.time.Instant;

/**
 * One effect of the outbox: something the agent decided to do, delivered at least once;
 * {@code traceParent} is the processing that recorded it (null while tracing is off).
 */
public record Effect(
        long id,
        SessionAddress address,
        long sessionId,
        long seq,
        long replyTo,
        String type,
        JsonNode payload,
        EffectStatus status,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant sentAt,
        String traceParent) {

    public static final String MESSAGE = "message";
    public static final String STATE = "state";
    /** Tells the channel the inbound message {@code externalId} has been read (WhatsApp's blue ticks). */
    public static final String READ_RECEIPT = "read_receipt";
}
