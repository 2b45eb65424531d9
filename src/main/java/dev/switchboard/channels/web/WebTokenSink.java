package dev.switchboard.channels.web;

import dev.switchboard.agent.TokenSink;
import dev.switchboard.sessions.SessionAddress;
import jakarta.enterprise.context.ApplicationScoped;

/** Streams an agent's tokens to the session's sockets on this node as ephemeral {@code token} frames. */
@ApplicationScoped
class WebTokenSink implements TokenSink {
    private final ConnectionRegistry registry;
    private final ServerFrames frames;

    WebTokenSink(ConnectionRegistry registry, ServerFrames frames) {
        this.registry = registry;
        this.frames = frames;
    }

    @Override
    public void token(SessionAddress address, long replyTo, String text) {
        if (!SessionAddress.WEB.equals(address.channel())) {
            return;
        }
        String frame = frames.token(replyTo, text);
        registry.forSession(address).forEach(connection -> connection.sendFrame(frame));
    }
}
