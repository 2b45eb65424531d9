package dev.switchboard.agent;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import java.util.Map;

/**
 * What an agent sees: the session, its current state and data, and the inbound event to answer: its
 * type ({@code user_message}, or {@code handoff_released} from an operator), seq and text.
 */
public record AgentInput(SessionAddress address, long sessionId, String state, Map<String, Object> data, long seq,
        String eventType, String text) {

    public static final String RELEASE = "handoff_released";

    public boolean isRelease() {
        return RELEASE.equals(eventType);
    }

    public TenantId tenant() {
        return address.tenant();
    }

    public String sessionKey() {
        return address.key();
    }
}
