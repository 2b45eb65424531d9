package dev.switchboard.events;

/** The event types of the log. Only {@link #USER_MESSAGE} is inbound (needs processing). */
public final class EventTypes {
    public static final String USER_MESSAGE = "user_message";
    public static final String ASSISTANT_MESSAGE = "assistant_message";
    public static final String STATE_TRANSITION = "state_transition";
    public static final String ERROR = "error";
    /** A call to an outside model (LLM): model, latency, tokens, fallback reason. */
    public static final String AGENT_CALL = "agent_call";

    private EventTypes() {
    }
}
