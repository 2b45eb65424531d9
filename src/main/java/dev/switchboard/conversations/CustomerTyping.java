package dev.switchboard.conversations;

import dev.switchboard.sessions.SessionAddress;

/** The customer of {@code address} is typing: ephemeral, never stored; an outside desk may show it. */
public record CustomerTyping(SessionAddress address) {
}
