package dev.switchboard.processing;

import dev.switchboard.tenants.TenantId;

/** Processing the inbound event {@code seq} of a session threw; the cause is whatever it threw. */
final class EventFailed extends RuntimeException {
    private final long sessionId;
    private final TenantId tenant;
    private final long seq;

    EventFailed(long sessionId, TenantId tenant, long seq, Throwable cause) {
        super("processing session " + sessionId + " event " + seq + " failed", cause, false, false);
        this.sessionId = sessionId;
        this.tenant = tenant;
        this.seq = seq;
    }

    long sessionId() {
        return sessionId;
    }

    TenantId tenant() {
        return tenant;
    }

    long seq() {
        return seq;
    }
}
