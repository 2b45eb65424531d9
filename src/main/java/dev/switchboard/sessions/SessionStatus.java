package dev.switchboard.sessions;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a session is processed. Only {@code active} sessions are; the others wait for an
 * operator (ADR 0008): {@code corrupt} after a checksum mismatch, {@code quarantined} after an
 * inbound event kept failing (the session's {@code quarantinedSeq} names it; retry or skip it).
 */
public enum SessionStatus {
    ACTIVE("active"),
    CORRUPT("corrupt"),
    QUARANTINED("quarantined");

    private final String wire;

    SessionStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static SessionStatus fromWire(String wire) {
        for (SessionStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown session status " + wire);
    }
}
