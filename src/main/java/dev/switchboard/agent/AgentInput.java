package dev.switchboard.agent;

import dev.switchboard.tenants.TenantId;
import java.util.Map;

/** What an agent sees: the session's tenant, key, current state and data, and the message to answer. */
public record AgentInput(TenantId tenant, String sessionKey, String state, Map<String, Object> data, long seq,
        String text) {
}
