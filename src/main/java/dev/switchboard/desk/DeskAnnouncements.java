package dev.switchboard.desk;

import dev.switchboard.ops.RedisChannels;
import dev.switchboard.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The desk feed across nodes: the node that numbers changes ({@link FeedSequencer}) announces, per
 * tenant, the last cursor it numbered (ids only, never a frame); the other nodes' sequencer threads
 * then read those rows for the desks connected to them. The database stays the truth: a lost
 * announcement costs latency only, as followers also poll.
 */
@ApplicationScoped
@Startup // listens on Redis from the start, whether or not anything here has been used yet
class DeskAnnouncements {
    static final String CHANNEL = "switchboard:desk";

    /** Another node numbered the tenant's changes up to {@code cursor}. */
    record Numbered(TenantId tenant, long cursor) {
    }

    private final RedisChannels channels;
    private final Event<Numbered> numbered;
    private final Counter publishFailures;

    DeskAnnouncements(RedisChannels channels, Event<Numbered> numbered, MeterRegistry metrics) {
        this.numbered = numbered;
        this.channels = channels;
        channels.listen(CHANNEL, this::onAnnouncement);
        this.publishFailures = Counter.builder("switchboard.desk.cross.node.announcements")
                .tag("outcome", "failed").description("Desk feed announcements Redis did not take")
                .register(metrics);
    }

    /** One announcement per tenant of a numbered batch: its last cursor. Never waits for Redis. */
    void announce(List<FeedSequencer.Change> changes) {
        Map<TenantId, Long> last = new LinkedHashMap<>();
        changes.forEach(change -> last.merge(change.tenant(), change.cursor(), Math::max));
        last.forEach((tenant, cursor) -> channels.announce(CHANNEL, tenant + "|" + cursor, publishFailures::increment));
    }

    private void onAnnouncement(String announcement) {
        String[] parts = announcement.split("\\|", -1);
        if (parts.length != 2) {
            return;
        }
        try {
            numbered.fire(new Numbered(new TenantId(UUID.fromString(parts[0])), Long.parseLong(parts[1])));
        } catch (IllegalArgumentException ignored) {
            // not an announcement of ours
        }
    }
}
