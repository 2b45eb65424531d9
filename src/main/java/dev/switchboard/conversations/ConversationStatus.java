package dev.switchboard.conversations;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.switchboard.storage.SqlLiteral;
import java.util.Locale;

/**
 * Where a conversation is (ADR 0011 draws it): {@code bot → pending → open → resolved}; a release
 * sends {@code pending} or {@code open} back to {@code bot}; the bot resolves its own when its flow
 * completes or the session expires. A resolved conversation is never reopened: the customer's next
 * message starts a new one.
 */
public enum ConversationStatus implements SqlLiteral {
    /** the bot is answering */
    BOT,
    /** handed off, waiting for a person */
    PENDING,
    /** a person has it */
    OPEN,
    /** done */
    RESOLVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConversationStatus fromWire(String wire) {
        for (ConversationStatus status : values()) {
            if (status.wire().equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown conversation status");
    }
}
