package dev.switchboard.agent;

import java.util.Map;

/** An agent's decision: the reply text, the next state and the session's new data. */
public record AgentReply(String text, String nextState, Map<String, Object> data, String reason) {
}
