package dev.switchboard.agent;

import java.util.Locale;

/** The states of the built-in conversation machine; stored in lower case ({@code awaiting_input}). */
public enum ConversationState {
    IDLE,
    /** Superstate of every state in which the bot owns the conversation; never resident itself. */
    AGENT_ACTIVE,
    AWAITING_INPUT,
    PROCESSING_INTENT,
    AWAITING_CONFIRMATION,
    FALLBACK,
    /** A human owns the conversation: the bot stays silent until it is released. */
    HANDOFF,
    COMPLETED,
    ERROR,
    /** Set by the inactivity expiry; the next message starts a fresh conversation. */
    EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state stored as {@code name}; an unknown name (an older flow) restarts the conversation. */
    public static ConversationState fromWire(String name) {
        if (name == null) {
            return IDLE;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return IDLE;
        }
    }
}
