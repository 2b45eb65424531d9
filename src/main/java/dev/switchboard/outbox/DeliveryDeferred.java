package dev.switchboard.outbox;

import java.time.Duration;

/**
 * Thrown by a channel that cannot take the effect now but will later (a throttle, an open circuit
 * breaker): it is tried again after {@code retryAfter} and the wait does not count towards the
 * dead letter, so an outage keeps messages queued instead of dropping them.
 */
public class DeliveryDeferred extends Exception {
    private final Duration retryAfter;

    public DeliveryDeferred(String reason, Duration retryAfter) {
        super(reason, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
