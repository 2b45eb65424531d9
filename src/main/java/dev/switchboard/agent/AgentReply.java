package dev.switchboard.agent;

import java.util.List;
import java.util.Map;

/**
 * An agent's decision: the reply text ({@code null}: stay silent, e.g. while a human owns the
 * conversation), the next state, the session's new data, the transitions taken to get there, and
 * the calls made to outside models on the way.
 */
public record AgentReply(String text, String nextState, Map<String, Object> data, String reason,
        List<StateChange> transitions, List<AgentCall> calls) {

    public AgentReply(String text, String nextState, Map<String, Object> data, String reason) {
        this(text, nextState, data, reason, List.of(), List.of());
    }

    public boolean silent() {
        return text == null;
    }
}
