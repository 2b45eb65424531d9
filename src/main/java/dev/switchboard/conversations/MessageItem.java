package dev.switchboard.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.outbox.MessageStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One message of a session's conversation, whichever way it went and on whichever channel: what the
 * customer wrote ({@code in}) or what was said to them ({@code out}, with its delivery status).
 */
@RegisterForReflection
public record MessageItem(long seq, String direction, Author author, String type, String text, JsonNode media,
        MessageStatus status, String externalId, Instant createdAt, Instant sentAt, Instant deliveredAt,
        Instant readAt, Instant failedAt, Failure error) {

    @RegisterForReflection
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Author(String kind, String id, String name) {
        static final Author CUSTOMER = new Author("customer", null, null);
        static final Author BOT = new Author("bot", null, null);
    }

    @RegisterForReflection
    public record Failure(String code, String reason) {
    }
}
