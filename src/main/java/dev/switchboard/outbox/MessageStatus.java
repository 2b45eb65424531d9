package dev.switchboard.outbox;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.switchboard.storage.SqlLiteral;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an outbound message is on its way to the person (ADR 0010 draws it), beside the outbox's
 * {@link EffectStatus}: it only moves forward, {@code pending → sent → delivered → read}, and
 * {@code failed} is terminal. A later status implies the earlier ones (a {@code read} sets
 * {@code delivered} too); an older or repeated one changes nothing.
 */
public enum MessageStatus implements SqlLiteral {
    /** recorded, not yet accepted by the channel */
    PENDING,
    /** the channel accepted it (WhatsApp answered with a wamid) */
    SENT,
    /** it reached the person's device (web: written to an open socket) */
    DELIVERED,
    /** the person saw it (web: the client acknowledged its seq) */
    READ,
    /** it will not arrive; the reason is recorded */
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MessageStatus> fromWire(String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        for (MessageStatus status : values()) {
            if (status.wire().equals(wire)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
