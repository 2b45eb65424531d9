package dev.switchboard.processing;

import dev.switchboard.events.EventTypes;
import dev.switchboard.sessions.SessionStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * What processing owes, for the operators: sessions behind, the age of the oldest inbound event not
 * processed yet, sessions quarantined and corrupt. Refreshed by one periodic query (each part from
 * a partial index), not on every scrape.
 */
@ApplicationScoped
public class ProcessingGauges {
    private static final String GAUGES_SQL = """
            SELECT (SELECT count(*) FROM sessions WHERE processed_seq < last_inbound_seq AND status = %1$s),
                   (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(e.created_at)), 0)
                      FROM sessions s CROSS JOIN LATERAL (
                           SELECT created_at FROM events e WHERE e.session_id = s.id AND e.seq > s.processed_seq
                              AND e.type IN %4$s
                            ORDER BY e.seq LIMIT 1) e
                     WHERE s.processed_seq < s.last_inbound_seq AND s.status = %1$s),
                   (SELECT count(*) FILTER (WHERE status = %2$s) FROM sessions WHERE status <> %1$s),
                   (SELECT count(*) FILTER (WHERE status = %3$s) FROM sessions WHERE status <> %1$s)"""
            .formatted(SessionStatus.ACTIVE.literal(), SessionStatus.QUARANTINED.literal(),
                    SessionStatus.CORRUPT.literal(), EventTypes.INBOUND_SQL);
    private final DataSource dataSource;
    private final AtomicLong behind = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private volatile long measuredNanos = System.nanoTime();

    ProcessingGauges(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        Gauge.builder("switchboard.processing.sessions.behind", behind, AtomicLong::get)
                .description("Active sessions with inbound events not processed yet").register(registry);
        Gauge.builder("switchboard.processing.oldest.unprocessed.age.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("Age of the oldest inbound event not processed yet (0: none)").register(registry);
        Gauge.builder("switchboard.sessions.quarantined", quarantined, AtomicLong::get)
                .description("Sessions stopped at an event that kept failing, waiting for an operator").register(registry);
        Gauge.builder("switchboard.sessions.corrupt", corrupt, AtomicLong::get)
                .description("Sessions whose stored state failed its checksum").register(registry);
    }

    public long sessionsBehind() {
        return behind.get();
    }

    /** How long ago the last refresh measured, in nanoseconds. */
    public long sinceMeasuredNanos() {
        return System.nanoTime() - measuredNanos;
    }

    /** Age in seconds of the oldest inbound event not processed yet at the last refresh; 0 when none. */
    public long oldestUnprocessedAgeSeconds() {
        return oldestAgeSeconds.get();
    }

    @Scheduled(every = "${switchboard.processing.gauge-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    public void refresh() {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GAUGES_SQL);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            measuredNanos = start;
            behind.set(rs.getLong(1));
            oldestAgeSeconds.set((long) rs.getDouble(2));
            quarantined.set(rs.getLong(3));
            corrupt.set(rs.getLong(4));
        } catch (SQLException e) {
            throw new IllegalStateException("could not measure the processing backlog", e);
        }
    }
}
