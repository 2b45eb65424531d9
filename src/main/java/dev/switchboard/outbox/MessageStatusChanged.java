package dev.switchboard.outbox;

import dev.switchboard.tenants.TenantId;
import java.time.Instant;

/**
 * Fired inside the transaction that moved an outbound message's status (the session's row is locked
 * by it), so the desk can show the change: the message by its effect seq, the new status, and for
 * {@code failed} the content-free code and reason.
 */
public record MessageStatusChanged(TenantId tenant, long sessionId, long effectSeq, MessageStatus status,
        Instant at, String code, String reason) {
}
