package dev.switchboard.channels.web;

import dev.switchboard.conversations.AgentTyping;
import dev.switchboard.sessions.SessionAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Shows the customer's open sockets on this node that a person on the desk is typing. */
@ApplicationScoped
class TypingRelay {
    private final ConnectionRegistry registry;
    private final ServerFrames frames;

    TypingRelay(ConnectionRegistry registry, ServerFrames frames) {
        this.registry = registry;
        this.frames = frames;
    }

    void onTyping(@Observes AgentTyping typing) {
        if (!SessionAddress.WEB.equals(typing.address().channel())) {
            return;
        }
        String frame = frames.typing(typing.agentName());
        registry.forSession(typing.address()).forEach(connection -> connection.sendFrame(frame));
    }
}
