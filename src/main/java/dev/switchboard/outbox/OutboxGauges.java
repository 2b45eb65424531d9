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
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final Map<String, AtomicLong> dead = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    OutboxGauges(EffectStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
        deadLetters(SessionAddress.WEB);
        deadLetters(SessionAddress.WHATSAPP);
        Gauge.builder("switchboard.outbox.pending", pending, AtomicLong::get)
                .description("Effects not yet sent (pending or failed)").register(registry);
        Gauge.builder("switchboard.outbox.oldest.pending.age.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("Age of the oldest effect not yet sent").register(registry);
    }

    @Scheduled(every = "${switchboard.outbox.gauge-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        long[] measured = store.pendingCountAndOldestAge();
        pending.set(measured[0]);
        oldestAgeSeconds.set(measured[1]);
        Map<String, Long> counted = store.deadByChannel();
        counted.keySet().forEach(this::deadLetters);
        dead.forEach((channel, value) -> value.set(counted.getOrDefault(channel, 0L)));
    }

    private AtomicLong deadLetters(String channel) {
        return dead.computeIfAbsent(channel, c -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("switchboard.outbox.dead", value, AtomicLong::get).tag("channel", c)
                    .description("Effects dead (not attempted again until an operator acts), now").register(registry);
            return value;
        });
    }
}
