package dev.switchboard.idempotency;

import dev.switchboard.storage.SqlLiteral;
import java.util.Locale;

/**
 * Where an Idempotency-Key is: claimed by a request still running ({@code in_progress}), or holding
 * the response that every retry of the same request gets back ({@code completed}).
 */
public enum IdempotencyKeyStatus implements SqlLiteral {
    IN_PROGRESS,
    COMPLETED;

    /** The name stored in {@code idempotency_keys.status}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
