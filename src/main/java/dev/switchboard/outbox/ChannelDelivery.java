package dev.switchboard.outbox;

/** Delivers effects of one channel (web sockets, WhatsApp, a webhook). One bean per channel. */
public interface ChannelDelivery {
    String channel();

    /**
     * Delivers one effect. Throws when the channel failed; the effect is then retried with backoff and
     * dead-lettered after the configured number of attempts.
     */
    DeliveryOutcome deliver(Effect effect) throws Exception;

    /**
     * True for channels whose clients fetch what they missed themselves (web chat resumes by seq):
     * their effects are not retried in the background when nobody is connected.
     */
    default boolean clientResumes() {
        return false;
    }

    /**
     * True for channels whose {@link #deliver} only hands the effect to a bounded in-memory queue and
     * never waits (a web socket's send queue): they are delivered on the thread that committed them,
     * without a hop to a delivery lane (ADR 0026). A channel that calls out, or may wait, says false.
     */
    default boolean neverWaits() {
        return false;
    }
}
