package dev.switchboard.idempotency;

import java.util.Locale;

/**
 * Where an Idempotency-Key is: claimed by a request still running ({@code in_progress}), or holding
 * the response that every retry of the same request gets back ({@code completed}).
 */
public enum IdempotencyKeyStatus {
    IN_PROGRESS,
    COMPLETED;

    /** The name stored in {@code idempotency_keys.status}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A SQL string literal of this status, for the queries' fixed conditions. */
    public String literal() {
        return "'" + wire() + "'";
    }
}
