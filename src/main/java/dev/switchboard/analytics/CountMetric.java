package dev.switchboard.analytics;

/**
 * The counts kept per quarter hour ({@code report_counts.metric}), named as migration V12's triggers
 * write them; deliveries are {@code delivery_} followed by a message status.
 */
enum CountMetric {
    /** a customer's message stored */
    MESSAGES_IN("messages_in"),
    /** an outbound message of the bot recorded */
    MESSAGES_BOT("messages_bot"),
    /** an outbound message of an agent recorded (dimension: the agent's id) */
    MESSAGES_AGENT("messages_agent"),
    /** an internal note (dimension: the agent's id) */
    NOTES("notes"),
    /** a conversation began (from the reporting rows, like the three below) */
    CONVERSATIONS_CREATED("conversations_created"),
    /** a conversation became pending for the first time */
    CONVERSATIONS_HANDED_OFF("conversations_handed_off"),
    CONVERSATIONS_RESOLVED("conversations_resolved"),
    /** a conversation resolved without ever reaching a person */
    CONVERSATIONS_CONTAINED("conversations_contained");

    static final String DELIVERY_PREFIX = "delivery_";

    final String stored;

    CountMetric(String stored) {
        this.stored = stored;
    }
}
