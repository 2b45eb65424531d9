package dev.switchboard.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Outbox backlog gauges, refreshed by a cheap periodic query rather than on every scrape. */
@ApplicationScoped
class OutboxGauges {
    private final EffectStore store;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    OutboxGauges(EffectStore store, MeterRegistry registry) {
        this.store = store;
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
    }
}
