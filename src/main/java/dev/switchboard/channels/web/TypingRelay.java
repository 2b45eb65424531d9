package dev.switchboard.channels.web;

import dev.switchboard.conversations.AgentTyping;
import dev.switchboard.ops.RedisChannels;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * Shows the customer's open sockets that a person on the desk is typing: this node's at once, the
 * other nodes' through a Redis announcement (ephemeral like the indicator: lost with Redis, never
 * stored).
 */
@ApplicationScoped
@Startup // listens on Redis from the start, whether or not anything here has been used yet
class TypingRelay {
    static final String CHANNEL = "switchboard:typing";

    private final ConnectionRegistry registry;
    private final ServerFrames frames;
    private final RedisChannels channels;

    TypingRelay(ConnectionRegistry registry, ServerFrames frames, RedisChannels channels) {
        this.registry = registry;
        this.frames = frames;
        this.channels = channels;
        channels.listen(CHANNEL, this::onAnnouncement);
    }

    void onTyping(@Observes AgentTyping typing) {
        if (!SessionAddress.WEB.equals(typing.address().channel())) {
            return;
        }
        show(typing.address(), typing.agentName());
        channels.announce(CHANNEL, String.join("|", typing.address().tenant().toString(),
                Announcements.encode(typing.address().key()), Announcements.encode(typing.agentName())));
    }

    private void show(SessionAddress address, String agentName) {
        String frame = frames.typing(agentName);
        registry.forSession(address).forEach(connection -> connection.sendFrame(frame));
    }

    private void onAnnouncement(String announcement) {
        String[] parts = announcement.split("\\|", -1);
        if (parts.length != 3) {
            return;
        }
        try {
            show(SessionAddress.web(new TenantId(UUID.fromString(parts[0])), Announcements.decode(parts[1])),
                    Announcements.decode(parts[2]));
        } catch (IllegalArgumentException ignored) {
            // not an announcement of ours
        }
    }
}
