package dev.switchboard.cluster;

import dev.switchboard.events.EventAppended;
import dev.switchboard.ops.RedisChannels;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * A message stored on a node that does not own its session's partition is announced on Redis, so
 * that its owner starts on it at once instead of at its next recovery sweep. A lost announcement
 * (Redis down) costs that latency only: the sweep finds the work anyway.
 */
@ApplicationScoped
@Startup // listens on Redis from the start, whether or not anything here has been used yet
class WorkAnnouncements {
    static final String CHANNEL = "switchboard:work";

    private final RedisChannels channels;
    private final Leases leases;
    private final Event<WorkAnnounced> announced;

    WorkAnnouncements(RedisChannels channels, Leases leases, Event<WorkAnnounced> announced) {
        this.channels = channels;
        this.leases = leases;
        this.announced = announced;
        channels.listen(CHANNEL, this::onAnnouncement);
    }

    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventAppended appended) {
        if (!leases.owns(appended.sessionId())) {
            channels.announce(CHANNEL, Long.toString(appended.sessionId()));
        }
    }

    void onAnnouncement(String sessionId) {
        try {
            long id = Long.parseLong(sessionId);
            if (leases.owns(id)) {
                announced.fire(new WorkAnnounced(id));
            }
        } catch (NumberFormatException ignored) {
            // not ours to read
        }
    }
}
