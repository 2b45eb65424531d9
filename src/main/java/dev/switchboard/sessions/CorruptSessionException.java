package dev.switchboard.sessions;

import dev.switchboard.tenants.TenantId;

/** The stored state of a session does not match its checksum. */
public class CorruptSessionException extends RuntimeException {
    private final long sessionId;
    private final TenantId tenant;

    public CorruptSessionException(long sessionId, TenantId tenant, String stored, String computed) {
        super("session " + sessionId + " checksum mismatch: stored " + stored + ", computed " + computed);
        this.sessionId = sessionId;
        this.tenant = tenant;
    }

    public long sessionId() {
        return sessionId;
    }

    public TenantId tenant() {
        return tenant;
    }
}
