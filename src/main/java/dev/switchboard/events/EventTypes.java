package dev.switchboard.events;

/**
 * The event types of the log. {@link #USER_MESSAGE}, {@link #HANDOFF_RELEASED}, {@link #AGENT_MESSAGE}
 * and {@link #CONVERSATION_RESOLVED} are inbound (need processing, in seq order).
 */
public final class EventTypes {
    public static final String USER_MESSAGE = "user_message";
    /** An operator hands the conversation back to the bot. */
    public static final String HANDOFF_RELEASED = "handoff_released";
    /** A person on the desk answers the customer: text, agentId, agentName. Processed in order like a message. */
    public static final String AGENT_MESSAGE = "agent_message";
    /** A person resolved the conversation: the bot is reset; the next message starts a new conversation. */
    public static final String CONVERSATION_RESOLVED = "conversation_resolved";
    /** An internal note on the conversation: text, agentId, conversationId. Never delivered to the customer. */
    public static final String AGENT_NOTE = "agent_note";
    /** A conversation changed status or assignee: conversationId, from, to, assigneeId, by. */
    public static final String CONVERSATION_CHANGED = "conversation_changed";
    public static final String ASSISTANT_MESSAGE = "assistant_message";
    public static final String STATE_TRANSITION = "state_transition";
    public static final String ERROR = "error";
    /** The session was idle too long: its state became {@code expired}; carries the new state snapshot. */
    public static final String SESSION_EXPIRED = "session_expired";
    /** The session's personal content was erased on request; carries no content itself. */
    public static final String ERASED = "erased";
    /** An operator ended the quarantine of a session: {@code seq} and {@code action} (retry or skip). */
    public static final String QUARANTINE_ENDED = "quarantine_ended";
    /** An outbound message moved on its way (sent, delivered, read, failed): effectSeq, status, at, code, reason. */
    public static final String MESSAGE_STATUS = "message_status";
    /** An operator retried or discarded a dead letter: effectSeq, action (retry or discard). */
    public static final String DEAD_LETTER_ENDED = "dead_letter_ended";
    /** A call to an outside model (LLM): model, latency, tokens, fallback reason. */
    public static final String AGENT_CALL = "agent_call";

    /** The inbound types, as a SQL list for the queries' fixed conditions. */
    public static final String INBOUND_SQL = "('user_message', 'handoff_released', 'agent_message', 'conversation_resolved')";

    private EventTypes() {
    }
}
