package dev.switchboard.events;

/** The event types of the log. {@link #USER_MESSAGE} and {@link #HANDOFF_RELEASED} are inbound (need processing). */
public final class EventTypes {
    public static final String USER_MESSAGE = "user_message";
    /** An operator hands the conversation back to the bot. */
    public static final String HANDOFF_RELEASED = "handoff_released";
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
    /** A call to an outside model (LLM): model, latency, tokens, fallback reason. */
    public static final String AGENT_CALL = "agent_call";

    private EventTypes() {
    }
}
