package dev.switchboard.outbox;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an effect is in its delivery lifecycle (ADR 0008 draws it). Pushed channels go
 * {@code pending → sent}, or {@code pending → failed → … → sent | dead}; web chat, whose client
 * fetches what it missed by resuming, goes {@code awaiting_client → sent} and is never retried in
 * the background. Only {@code pending} and {@code failed} count as delivery lag.
 */
public enum EffectStatus {
    /** due for delivery by the outbox runner */
    PENDING("pending"),
    /** the last attempt failed; retried at {@code next_attempt_at} */
    FAILED("failed"),
    /** kept for a web client that reads it live or when it resumes; not retried, not lag */
    AWAITING_CLIENT("awaiting_client"),
    /** handed to the recipient */
    SENT("sent"),
    /** given up after the configured attempts */
    DEAD("dead");

    private final String wire;

    EffectStatus(String wire) {
        this.wire = wire;
    }

    /** The name stored in {@code effects.status} and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** A SQL string literal of this status, for the queries' fixed conditions. */
    String literal() {
        return "'" + wire + "'";
    }

    public static EffectStatus fromWire(String wire) {
        for (EffectStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown effect status " + wire);
    }
}
