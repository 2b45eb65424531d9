package dev.switchboard.sessions;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Whether a session is processed. Only {@code active} sessions are; the others wait for an
 * operator (ADR 0008): {@code corrupt} after a checksum mismatch, {@code quarantined} after an
 * inbound event kept failing (the session's {@code quarantinedSeq} names it; retry or skip it).
 */
public enum SessionStatus {
    ACTIVE,
    CORRUPT,
    QUARANTINED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A SQL string literal of this status, for queries' fixed conditions (partial indexes match on them). */
    public String literal() {
        return "'" + wire() + "'";
    }

    public static SessionStatus fromWire(String wire) {
        if (!wire.equals(wire.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown session status " + wire);
        }
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
