package dev.switchboard.events;

/**
 * Fields of a {@code user_message} payload beyond {@code text} (what the agent reads), set by the
 * channel that received it. Processing reads them; channels write them.
 */
public final class InboundFields {
    public static final String TEXT = "text";
    /** The channel's own id for the message (a WhatsApp wamid): processing tells the channel it was read. */
    public static final String EXTERNAL_ID = "externalId";
    /** True for content nobody can read here (an unsupported message type): answered politely, not by the agent. */
    public static final String UNSUPPORTED = "unsupported";
    /** What kind of content it is on its channel (text, image, location, …). */
    public static final String KIND = "kind";

    private InboundFields() {
    }
}
