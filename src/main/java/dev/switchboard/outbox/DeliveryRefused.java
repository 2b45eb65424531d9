package dev.switchboard.outbox;

/**
 * Thrown by a channel that refused the effect for good: retrying cannot help. The message becomes
 * {@link MessageStatus#FAILED} with the channel's code and reason (content-free: an error title,
 * never the text). {@code deadLetter} says whether an operator might fix the cause and retry it (a bad
 * token: {@link EffectStatus#DEAD}) or not (the person's window closed: {@link EffectStatus#UNDELIVERABLE}).
 */
public class DeliveryRefused extends Exception {
    private final String code;
    private final boolean deadLetter;

    public DeliveryRefused(String code, String reason, boolean deadLetter) {
        super(reason, null, false, false);
        this.code = code;
        this.deadLetter = deadLetter;
    }

    public String code() {
        return code;
    }

    public boolean deadLetter() {
        return deadLetter;
    }
}
