package dev.switchboard.sessions;

import dev.switchboard.tenants.TenantId;
import java.util.Map;

/** A session's backend state as loaded for processing (checksum already verified). */
public record SessionState(
        long id,
        TenantId tenant,
        String channel,
        String key,
        String state,
        Map<String, Object> data,
        long version,
        long processedSeq,
        long lastInboundSeq,
        SessionStatus status) {

    public SessionAddress address() {
        return new SessionAddress(tenant, channel, key);
    }

    public boolean caughtUp() {
        return processedSeq >= lastInboundSeq;
    }
}
