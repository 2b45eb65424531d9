package dev.switchboard.channels.web;

import dev.switchboard.outbox.ChannelDelivery;
import dev.switchboard.outbox.DeliveryOutcome;
import dev.switchboard.outbox.Effect;
import dev.switchboard.sessions.SessionAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Delivers web-chat effects to every socket of the session open on this node; each socket marks
 * the effect sent once it has written it. With none open the effect waits in the table for the
 * client's resume ({@code awaiting_client}); it is not retried or dead-lettered for that.
 */
@ApplicationScoped
class WebDelivery implements ChannelDelivery {
    private final ConnectionRegistry registry;

    WebDelivery(ConnectionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String channel() {
        return SessionAddress.WEB;
    }

    @Override
    public boolean clientResumes() {
        return true;
    }

    /** {@link ChatConnection#offer} decides and queues the frame; it never waits for the client or the database. */
    @Override
    public boolean neverWaits() {
        return true;
    }

    @Override
    public DeliveryOutcome deliver(Effect effect) {
        Set<ChatConnection> connections = registry.forSession(effect.address());
        if (connections.isEmpty()) {
            return DeliveryOutcome.NO_RECIPIENT;
        }
        connections.forEach(connection -> connection.offer(effect));
        return DeliveryOutcome.QUEUED;
    }
}
