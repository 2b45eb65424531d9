package dev.switchboard.agent;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import java.util.Map;

/**
 * What an agent sees: the session, its current state and data, and the inbound event to answer: its
 * type ({@code user_message}, {@code handoff_released} from an operator, or {@link #UNREADABLE}), seq and text.
 */
public record AgentInput(SessionAddress address, long sessionId, String state, Map<String, Object> data, long seq,
        String eventType, String text) {

    public static final String RELEASE = "handoff_released";
    /** A message whose content the channel delivered but nobody can read here (an unsupported WhatsApp type). */
    public static final String UNREADABLE = "unreadable_content";

    public boolean isRelease() {
        return RELEASE.equals(eventType);
    }

    public boolean isUnreadable() {
        return UNREADABLE.equals(eventType);
    }

    public TenantId tenant() {
        return address.tenant();
    }

    public String sessionKey() {
        return address.key();
    }
}
