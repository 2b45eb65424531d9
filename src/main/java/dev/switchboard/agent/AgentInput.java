package dev.switchboard.agent;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import java.util.Map;

/** What an agent sees: the session, its current state and data, and the message (event seq) to answer. */
public record AgentInput(SessionAddress address, long sessionId, String state, Map<String, Object> data, long seq,
        String text) {

    public TenantId tenant() {
        return address.tenant();
    }

    public String sessionKey() {
        return address.key();
    }
}
