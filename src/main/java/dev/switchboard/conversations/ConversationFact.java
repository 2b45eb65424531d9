package dev.switchboard.conversations;

import dev.switchboard.tenants.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened to a conversation that its numbers depend on, at the time the log gives it
 * (the time of the inbound event that caused it, or of the desk's action). Fired in the transaction
 * that records it, in the order it was applied ({@link ConversationFacts}).
 */
public sealed interface ConversationFact {
    TenantId tenant();

    long sessionId();

    UUID conversationId();

    Instant at();

    /** The conversation began (with the bot), on {@code channel}. */
    record Started(TenantId tenant, long sessionId, UUID conversationId, String channel, Instant at)
            implements ConversationFact {
    }

    /** The customer wrote (the message at {@code seq} of the session's log) while the conversation was in {@code status}. */
    record CustomerWrote(TenantId tenant, long sessionId, UUID conversationId, long seq, ConversationStatus status,
            Instant at)
            implements ConversationFact {
    }

    /** An agent answered the customer. */
    record AgentReplied(TenantId tenant, long sessionId, UUID conversationId, UUID agentId, Instant at)
            implements ConversationFact {
    }

    /** The conversation moved to {@code to}, assigned to {@code assignee} (null: nobody). */
    record Moved(TenantId tenant, long sessionId, UUID conversationId, ConversationStatus to, UUID assignee, Instant at)
            implements ConversationFact {
    }
}
