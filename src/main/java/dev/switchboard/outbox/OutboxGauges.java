package dev.switchboard.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import dev.switchboard.sessions.SessionAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Outbox backlog gauges, refreshed by a cheap periodic query rather than on every scrape. */
@ApplicationScoped
class OutboxGauges {
    private final EffectStore store;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldestAgeSeconds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dead = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    OutboxGauges(EffectStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
        for (String channel : new String[] {SessionAddress.WEB, SessionAddress.WHATSAPP}) {
            gauges(channel);
        }
    }

    @Scheduled(every = "${switchboard.outbox.gauge-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        Map<String, long[]> lag = store.pendingByChannel();
        Map<String, Long> counted = store.deadByChannel();
        lag.keySet().forEach(this::gauges);
        counted.keySet().forEach(this::gauges);
        pending.forEach((channel, value) -> value.set(lag.getOrDefault(channel, NONE)[0]));
        oldestAgeSeconds.forEach((channel, value) -> value.set(lag.getOrDefault(channel, NONE)[1]));
        dead.forEach((channel, value) -> value.set(counted.getOrDefault(channel, 0L)));
    }

    private static final long[] NONE = {0, 0};

    /** The gauges of one channel, registered the first time it is seen. */
    private void gauges(String channel) {
        gauge(pending, channel, "switchboard.outbox.pending", "Effects not yet sent (pending or failed)");
        gauge(oldestAgeSeconds, channel, "switchboard.outbox.oldest.pending.age.seconds",
                "Age of the oldest effect not yet sent (pending or failed)");
        gauge(dead, channel, "switchboard.outbox.dead", "Effects dead (not attempted again until an operator acts), now");
    }

    private void gauge(Map<String, AtomicLong> values, String channel, String name, String description) {
        values.computeIfAbsent(channel, c -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).tag("channel", c).description(description).register(registry);
            return value;
        });
    }
}
