package dev.switchboard.sessions;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.switchboard.storage.SqlLiteral;
import java.util.Locale;

/**
 * Whether a session is processed. Only {@code active} sessions are; the others wait for an
 * operator (ADR 0008): {@code corrupt} after a checksum mismatch, {@code quarantined} after an
 * inbound event kept failing (the session's {@code quarantinedSeq} names it; retry or skip it).
 */
public enum SessionStatus implements SqlLiteral {
    ACTIVE,
    CORRUPT,
    QUARANTINED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionStatus fromWire(String wire) {
        if (!wire.equals(wire.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown session status " + wire);
        }
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
