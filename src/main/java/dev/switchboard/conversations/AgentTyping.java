package dev.switchboard.conversations;

import dev.switchboard.sessions.SessionAddress;

/** A person on the desk is typing to the customer of {@code address}: ephemeral, never stored. */
public record AgentTyping(SessionAddress address, String agentName) {
}
