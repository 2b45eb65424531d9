package dev.switchboard.outbox;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.switchboard.storage.SqlLiteral;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where an effect is in its delivery lifecycle (ADR 0008 draws it). Pushed channels go
 * {@code pending → sent}, or {@code pending → failed → … → sent | dead}; web chat, whose client
 * fetches what it missed by resuming, goes {@code awaiting_client → sent} and is never retried in
 * the background. An operator sends a dead letter back to {@code pending} (retry) or {@code discarded}. Only {@code pending} and {@code failed} count as delivery lag.
 */
public enum EffectStatus implements SqlLiteral {
    /** due for delivery by the outbox runner */
    PENDING,
    /** the last attempt failed; retried at {@code next_attempt_at} */
    FAILED,
    /** kept for a web client that reads it live or when it resumes; not retried, not lag */
    AWAITING_CLIENT,
    /** handed to the recipient */
    SENT,
    /** given up after the configured attempts, or refused in a way an operator may fix; a dead letter */
    DEAD,
    /** the channel refused it for good (e.g. WhatsApp's 24-hour window closed); not retried, not a dead letter */
    UNDELIVERABLE,
    /** a dead letter an operator gave up on: kept for the record, never attempted again */
    DISCARDED;

    /** The name stored in {@code effects.status} and shown by the API. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Delivery lag: what the outbox still owes. */
    public static final Set<EffectStatus> LAG = Collections.unmodifiableSet(EnumSet.of(PENDING, FAILED));
    /**
     * What the outbox has finished with (delivered, given up, refused, or kept only for a client that
     * may resume): what retention may delete. Named one by one, so that a new status is neither until
     * someone decides (EffectStatusTest checks that every status is exactly one of the two).
     */
    public static final Set<EffectStatus> SETTLED = Collections.unmodifiableSet(
            EnumSet.of(AWAITING_CLIENT, SENT, DEAD, UNDELIVERABLE, DISCARDED));
    public static final String SETTLED_SQL = SqlLiteral.list(SETTLED);

    public static EffectStatus fromWire(String wire) {
        if (!wire.equals(wire.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown effect status " + wire);
        }
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
