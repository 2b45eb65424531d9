package dev.switchboard.conversations;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** One episode of a session, as the desk shows it. */
@RegisterForReflection
public record Conversation(UUID id, String sessionKey, String channel, UUID customerId, String customerName,
        String customerPhone, ConversationStatus status, UUID assigneeId, long firstSeq, Instant createdAt,
        Instant handedOffAt, Instant firstHumanReplyAt, Instant resolvedAt, Instant lastActivityAt) {
}
