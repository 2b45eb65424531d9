package dev.switchboard.agent;

import java.util.Map;

/** What an agent sees: the session's current state and data, and the message to answer. */
public record AgentInput(String sessionKey, String state, Map<String, Object> data, long seq, String text) {
}
