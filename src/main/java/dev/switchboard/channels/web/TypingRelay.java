package dev.switchboard.channels.web;

import dev.switchboard.conversations.AgentTyping;
import dev.switchboard.ops.RedisChannels;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
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

    private final String node = UUID.randomUUID().toString();
    private final ConnectionRegistry registry;
    private final ServerFrames frames;
    private final ReactivePubSubCommands<String> pubsub;

    TypingRelay(ConnectionRegistry registry, ServerFrames frames, ReactiveRedisDataSource redis,
            RedisChannels channels) {
        this.registry = registry;
        this.frames = frames;
        this.pubsub = redis.pubsub(String.class);
        channels.listen(CHANNEL, this::onAnnouncement);
    }

    void onTyping(@Observes AgentTyping typing) {
        if (!SessionAddress.WEB.equals(typing.address().channel())) {
            return;
        }
        show(typing.address(), typing.agentName());
        pubsub.publish(CHANNEL, String.join("|", node, typing.address().tenant().toString(),
                Announcements.encode(typing.address().key()), Announcements.encode(typing.agentName())))
                .subscribe().with(ok -> { }, failure -> { });
    }

    private void show(SessionAddress address, String agentName) {
        String frame = frames.typing(agentName);
        registry.forSession(address).forEach(connection -> connection.sendFrame(frame));
    }

    private void onAnnouncement(String announcement) {
        String[] parts = announcement.split("\\|", -1);
        if (parts.length != 4 || parts[0].equals(node)) {
            return;
        }
        try {
            show(SessionAddress.web(new TenantId(UUID.fromString(parts[1])), Announcements.decode(parts[2])),
                    Announcements.decode(parts[3]));
        } catch (IllegalArgumentException ignored) {
            // not an announcement of ours
        }
    }
}
