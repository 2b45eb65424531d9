package dev.switchboard.outbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An effect the outbox gave up on ({@link EffectStatus#DEAD}), or one that was a dead letter until an
 * operator retried or discarded it. A list shows it without {@code payload} and {@code failures}.
 */
@RegisterForReflection
public record DeadLetter(
        long id,
        UUID tenantId,
        String channel,
        String sessionKey,
        long seq,
        long replyTo,
        String type,
        EffectStatus status,
        int attempts,
        String lastError,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant retriedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode payload,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Failure> failures,
        @JsonIgnore long sessionId) {

    /** One failed attempt: its number (counted again from 1 after a retry), when, and the channel's words. */
    @RegisterForReflection
    public record Failure(int attempt, Instant at, @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    }

    DeadLetter summary() {
        return new DeadLetter(id, tenantId, channel, sessionKey, seq, replyTo, type, status, attempts, lastError,
                createdAt, retriedAt, null, null, sessionId);
    }
}
