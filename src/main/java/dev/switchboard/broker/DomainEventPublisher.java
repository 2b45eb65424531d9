package dev.switchboard.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.Leases;
import dev.switchboard.ops.LoopThread;
import dev.switchboard.storage.Jdbc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Sends recorded domain events to the broker (the {@code domain-events} channel), at least once:
 * a row is marked published only after the broker confirmed it. One node publishes at a time: the
 * holder of partition 0 ({@link Leases}); while a takeover overlaps, two nodes may send the same
 * events (consumers deduplicate them by id). Within a stream (a conversation, a customer) events go
 * one after the other, each sent once the previous one was confirmed, so consumers see them in
 * order; streams go side by side. A round the broker does not confirm in time marks only what was confirmed, and
 * the rest is sent again later with the same ids, after a backoff that doubles up to
 * {@code max-backoff}: a broker outage delays events, it never loses one.
 */
@ApplicationScoped
class DomainEventPublisher {
    private static final Logger LOG = Logger.getLogger(DomainEventPublisher.class);
    private static final long CLEANUP_EVERY_NANOS = 60_000_000_000L;

    private final BrokerConfig config;
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Leases leases;
    private final Counter published;
    private final Counter failedRounds;
    private final Semaphore wake = new Semaphore(0);
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;
    private final LoopThread loop = new LoopThread("domain-event-publisher");
    @Inject
    @Channel("domain-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> emitter;

    private record Row(long id, UUID eventId, UUID tenant, UUID stream, String type, JsonNode payload, Instant at) {
    }

    /** What a round did: whether this node publishes (holds partition 0), how many, whether the broker failed it. */
    record Round(boolean mine, int published, boolean failed) {
    }

    DomainEventPublisher(BrokerConfig config, DataSource dataSource, ObjectMapper mapper, Leases leases,
            MeterRegistry metrics) {
        this.config = config;
        this.leases = leases;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.published = Counter.builder("switchboard.broker.published")
                .description("Domain events the broker confirmed").register(metrics);
        this.failedRounds = Counter.builder("switchboard.broker.failed.rounds")
                .description("Publishing rounds the broker failed or did not confirm in time").register(metrics);
    }

    void onRecorded(@Observes(during = TransactionPhase.AFTER_SUCCESS) DomainEvents.Recorded recorded) {
        wake.release();
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        loop.start(this::run);
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop();
    }

    /** The last failure's kind (never its message, which may quote the broker) and when, or null. */
    String lastFailure() {
        return lastFailure;
    }

    Instant lastFailureAt() {
        return lastFailureAt;
    }

    private void run() {
        long backoffMillis = 0;
        long cleanedAt = System.nanoTime();
        while (loop.running()) {
            try {
                long waitMillis = backoffMillis > 0 ? backoffMillis : config.pollInterval().toMillis();
                wake.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                Round round;
                do {
                    round = publishOnce();
                } while (round.mine() && !round.failed() && round.published() == config.batchSize());
                backoffMillis = round.failed() ? Math.min(Math.max(2 * backoffMillis, config.pollInterval().toMillis()),
                        config.maxBackoff().toMillis()) : 0;
                if (System.nanoTime() - cleanedAt > CLEANUP_EVERY_NANOS) {
                    cleanedAt = System.nanoTime();
                    removePublished();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failed(e);
                backoffMillis = config.maxBackoff().toMillis();
            }
        }
    }

    /**
     * One round, on the node that holds partition 0 only: the oldest unpublished events, sent and
     * confirmed, then marked. No transaction is open while the broker is waited for.
     */
    Round publishOnce() {
        if (!leases.holdsPartition(0)) {
            return new Round(false, 0, false);
        }
        List<Row> rows = QuarkusTransaction.requiringNew().call(this::unpublished);
        if (rows.isEmpty()) {
            return new Round(true, 0, false);
        }
        ConcurrentLinkedQueue<Long> confirmed = new ConcurrentLinkedQueue<>();
        boolean failed = !sendAll(rows, confirmed);
        List<Long> ids = new ArrayList<>(confirmed);
        QuarkusTransaction.requiringNew().run(() -> markPublished(ids));
        published.increment(ids.size());
        if (failed) {
            failedRounds.increment();
        }
        return new Round(true, ids.size(), failed);
    }

    /** True when the broker confirmed every row in time; {@code confirmed} gets the ids it did confirm. */
    private boolean sendAll(List<Row> rows, ConcurrentLinkedQueue<Long> confirmed) {
        Map<UUID, List<Row>> streams = new LinkedHashMap<>();
        rows.forEach(row -> streams.computeIfAbsent(row.stream(), s -> new ArrayList<>()).add(row));
        AtomicBoolean stopped = new AtomicBoolean();
        List<CompletableFuture<Void>> chains = new ArrayList<>(streams.size());
        for (List<Row> stream : streams.values()) {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (Row row : stream) {
                chain = chain.thenCompose(ok -> {
                    if (stopped.get()) {
                        return CompletableFuture.failedFuture(new TimeoutException("round over"));
                    }
                    return emitter.sendMessage(message(row)).subscribeAsCompletionStage()
                            .thenRun(() -> confirmed.add(row.id()));
                });
            }
            chains.add(chain);
        }
        try {
            CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
                    .get(config.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            failed(e.getCause() == null ? e : e.getCause());
            return false;
        } finally {
            // a stream's later events are not sent after the round ended: they go next round, in order
            stopped.set(true);
        }
    }

    private Message<String> message(Row row) {
        ObjectNode body = mapper.createObjectNode().put("id", row.eventId().toString()).put("type", row.type())
                .put("tenantId", row.tenant().toString()).put("stream", row.stream().toString())
                .put("position", row.id()).put("occurredAt", row.at().toString());
        body.set("data", row.payload());
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder().withRoutingKey(row.type())
                .withMessageId(row.eventId().toString()).withContentType("application/json").withDeliveryMode(2)
                .withType(row.type()).withTimestamp(row.at().atZone(ZoneOffset.UTC)).build();
        return Message.of(body.toString(), Metadata.of(metadata));
    }

    private void failed(Throwable e) {
        lastFailure = e.getClass().getName();
        lastFailureAt = Instant.now();
        LOG.warnf("publishing domain events failed (%s); they stay recorded and go out later", lastFailure);
    }

    private List<Row> unpublished() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, event_id, "
                + "tenant_id, stream_key, type, payload::text, occurred_at FROM domain_events WHERE published_at IS NULL "
                + "ORDER BY id LIMIT ?")) {
            ps.setInt(1, config.batchSize());
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), (UUID) rs.getObject(2), (UUID) rs.getObject(3),
                            (UUID) rs.getObject(4), rs.getString(5), mapper.readTree(rs.getString(6)),
                            rs.getTimestamp(7).toInstant()));
                }
            }
            return rows;
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("could not read unpublished domain events", e);
        }
    }

    private void markPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                "UPDATE domain_events SET published_at = now() WHERE id = ANY(?)"))) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark " + ids.size() + " domain events published", e);
        }
    }

    /** Published events are the consumers' now; the table keeps them for {@code keep-published}, in bounded steps. */
    private void removePublished() {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM domain_events WHERE id IN (SELECT id FROM domain_events WHERE published_at < ? "
                            + "LIMIT 10000)")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now().minus(config.keepPublished())));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("could not remove published domain events", e);
            }
        });
    }

    /** Events recorded and not yet confirmed, and the age of the oldest (readiness shows them). */
    record Backlog(long events, Instant oldest) {
    }

    Backlog backlog() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*), min(occurred_at) FROM domain_events WHERE published_at IS NULL")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp oldest = rs.getTimestamp(2);
                    return new Backlog(rs.getLong(1), oldest == null ? null : oldest.toInstant());
                }
            }
        });
    }
}
