package dev.switchboard.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ops.Traces;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.storage.CommitWriters;
import dev.switchboard.storage.GroupCommitter;
import dev.switchboard.storage.LogClock;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/**
 * The append-only event log. Inbound messages get a gapless per-session seq assigned in the same
 * transaction as their insert; a repeated client message id returns the original event.
 */
// created at startup: its group-commit writer is on the liveness check before the first request
@Startup
@ApplicationScoped
public class EventStore {
    private final DataSource dataSource;
    private final SessionStore sessions;
    private final ObjectMapper mapper;
    private final Event<EventAppended> appended;
    private final Counter appendedCounter;
    private final Counter duplicateCounter;
    private final GroupCommitter<AppendRequest, AppendResult> appender;
    private final LogClock clock;
    private final String appendSql;
    /** The unique constraint a repeated client message id violates. */
    private static final String CLIENT_ID_CONSTRAINT = "events_client_msg_id";

    private record AppendRequest(SessionAddress address, String clientMsgId, String text, String correlationId,
            String traceParent) {
    }

    EventStore(DataSource dataSource, SessionStore sessions, ObjectMapper mapper, Event<EventAppended> appended,
            MeterRegistry registry, LogClock clock, CommitWriters writers) {
        this.clock = clock;
        this.appender = writers.register(new GroupCommitter<>("event-appender", this::appendAll, this::appendOne,
                Comparator.comparing(AppendRequest::address, SessionAddress.LOCK_ORDER), registry));
        this.dataSource = dataSource;
        this.sessions = sessions;
        this.appendSql = appendSql(sessions.inboundReservation());
        this.mapper = mapper;
        this.appended = appended;
        this.appendedCounter = Counter.builder("switchboard.events.appended")
                .description("Inbound events committed to the log").register(registry);
        this.duplicateCounter = Counter.builder("switchboard.events.duplicates")
                .description("Inbound messages recognised as retries by their client id").register(registry);
    }

    /**
     * The append's statement met a repeated client id, so it failed whole and reserved nothing; inside
     * a caller's transaction the savepoint is rolled back to, and the original event is looked up.
     */
    private static final class DuplicateClientId extends RuntimeException {
        DuplicateClientId() {
            super(null, null, false, false);
        }
    }

    /**
     * Appends a user message and commits. Returns only after the commit, so the caller may
     * acknowledge it durably. Sessions are created on their first message. Concurrent appends
     * are committed together (group commit).
     */
    public AppendResult appendUserMessage(SessionAddress address, String clientMsgId, String text,
            String correlationId) {
        requireStorable(clientMsgId, text);
        return appender.submit(new AppendRequest(address, clientMsgId, text, correlationId, Traces.currentParent()));
    }

    /**
     * {@link #appendUserMessage} without waiting: the text is checked now (and refused by a throw), the
     * result completes once the event has committed, on the thread that committed it.
     */
    public CompletableFuture<AppendResult> appendUserMessageLater(SessionAddress address, String clientMsgId,
            String text, String correlationId) {
        requireStorable(clientMsgId, text);
        return appender.submitAsync(new AppendRequest(address, clientMsgId, text, correlationId,
                Traces.currentParent()));
    }

    /**
     * Appends a user message inside the caller's transaction (so that, e.g., a stored idempotent
     * response commits with it). A repeated client id returns the original event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public AppendResult appendUserMessageInTransaction(SessionAddress address, String clientMsgId, String text,
            String correlationId) {
        requireStorable(clientMsgId, text);
        return appendMessageInTransaction(address, clientMsgId, payload(text), correlationId);
    }

    /**
     * Appends a user message whose payload a channel built (its {@code text} is what the agent reads;
     * the rest describes the content: media, a location, a button) inside the caller's transaction.
     * The channel's own id for the message ({@code externalId}, e.g. a WhatsApp wamid) dedupes it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public AppendResult appendMessageInTransaction(SessionAddress address, String externalId, ObjectNode payload,
            String correlationId) {
        return insertDeduped(address, EventTypes.USER_MESSAGE, externalId, payload, correlationId);
    }

    /**
     * Inserts one inbound event in the caller's transaction; a repeated client id returns the original
     * event, and a savepoint undoes the seq reserved for it without disturbing the caller's other writes.
     */
    private AppendResult insertDeduped(SessionAddress address, String type, String clientMsgId, ObjectNode payload,
            String correlationId) {
        if (clientMsgId == null) {
            // nothing to dedupe by, so no duplicate to undo: the savepoint's two round trips are saved
            return insertInbound(address, type, null, payload, correlationId);
        }
        execute("SAVEPOINT sb_append");
        try {
            AppendResult result = insertInbound(address, type, clientMsgId, payload, correlationId);
            execute("RELEASE SAVEPOINT sb_append");
            return result;
        } catch (DuplicateClientId duplicate) {
            execute("ROLLBACK TO SAVEPOINT sb_append");
            return duplicateOf(findByClientIdInTransaction(address, clientMsgId), clientMsgId);
        }
    }

    /** A bad row must never reach a group commit, where it would fail the batch for everyone in it. */
    private static void requireStorable(String clientMsgId, String text) {
        MessageText.requireStorable("id", clientMsgId);
        MessageText.requireStorable("text", text);
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not execute " + sql, e);
        }
    }

    /**
     * Appends a batch of messages in ONE transaction and one round trip, its commit included; any
     * duplicate client id fails the whole batch.
     */
    private List<AppendResult> appendAll(List<AppendRequest> requests) {
        return QuarkusTransaction.requiringNew().call(() -> insertInbound(requests.stream().map(this::inbound).toList(),
                true));
    }

    /** Appends one message in its own transaction; a duplicate client id returns the original event. */
    private AppendResult appendOne(AppendRequest r) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> insertInbound(List.of(inbound(r)), true)).get(0);
        } catch (DuplicateClientId duplicate) {
            return duplicateOf(QuarkusTransaction.requiringNew().call(
                    () -> findByClientIdInTransaction(r.address(), r.clientMsgId())), r.clientMsgId());
        }
    }

    /** The answer to a repeated client message id: the original event's place in the log. */
    private AppendResult duplicateOf(Optional<StoredEvent> original, String clientMsgId) {
        duplicateCounter.increment();
        StoredEvent event = original
                .orElseThrow(() -> new IllegalStateException("the event of a duplicate client id vanished"));
        return new AppendResult(event.sessionId(), event.seq(), true);
    }

    private Inbound inbound(AppendRequest r) {
        return new Inbound(r.address(), EventTypes.USER_MESSAGE, r.clientMsgId(), payload(r.text()), r.correlationId(),
                r.traceParent());
    }

    private ObjectNode payload(String text) {
        return mapper.createObjectNode().put("text", text);
    }

    /**
     * Appends an inbound event of the desk (an agent's message, a resolution) in the caller's
     * transaction; a repeated client id returns the original event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public AppendResult appendDeskEventInTransaction(SessionAddress address, String type, String clientMsgId,
            ObjectNode payload, String correlationId) {
        if (!EventTypes.AGENT_MESSAGE.equals(type) && !EventTypes.CONVERSATION_RESOLVED.equals(type)) {
            throw new IllegalArgumentException("not a desk event type: " + type);
        }
        return insertDeduped(address, type, clientMsgId, payload, correlationId);
    }

    /** Appends an operator's release of a handed-over session, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AppendResult appendReleaseInTransaction(SessionAddress address, String correlationId) {
        return insertInbound(address, EventTypes.HANDOFF_RELEASED, null, mapper.createObjectNode(), correlationId);
    }

    /** One inbound event from the caller's thread, which carries its trace. */
    private AppendResult insertInbound(SessionAddress address, String type, String clientMsgId, ObjectNode payload,
            String correlationId) {
        return insertInbound(List.of(new Inbound(address, type, clientMsgId, payload, correlationId,
                Traces.currentParent())), false).get(0);
    }

    private record Inbound(SessionAddress address, String type, String clientMsgId, ObjectNode payload,
            String correlationId, String traceParent) {
    }

    /**
     * Reserves seqs for and inserts inbound events in one statement, and with {@code commits} commits
     * the transaction in the same round trip (ADR 0025); a repeated client id fails them all.
     */
    private List<AppendResult> insertInbound(List<Inbound> inbound, boolean commits) {
        List<Object> tenants = new ArrayList<>(inbound.size());
        List<String> channels = new ArrayList<>(inbound.size());
        List<String> keys = new ArrayList<>(inbound.size());
        List<String> types = new ArrayList<>(inbound.size());
        List<String> payloads = new ArrayList<>(inbound.size());
        List<String> clientMsgIds = new ArrayList<>(inbound.size());
        List<String> correlationIds = new ArrayList<>(inbound.size());
        List<String> traceParents = new ArrayList<>(inbound.size());
        for (Inbound event : inbound) {
            tenants.add(event.address().tenant().value());
            channels.add(event.address().channel());
            keys.add(event.address().key());
            types.add(event.type());
            payloads.add(json(event.payload()));
            clientMsgIds.add(event.clientMsgId());
            correlationIds.add(event.correlationId());
            traceParents.add(event.traceParent());
        }
        Instant now = clock.now();
        Pipeline pipeline = new Pipeline();
        Supplier<List<Slot>> placed = pipeline.add(appendSql,
                arguments -> arguments.array("uuid", tenants).array("text", channels).array("text", keys)
                        .array("text", types).array("text", payloads).array("text", clientMsgIds)
                        .array("text", correlationIds).array("text", traceParents).timestamp(Timestamp.from(now)),
                (rows, count) -> {
                    List<Slot> slots = new ArrayList<>(inbound.size());
                    while (rows.next()) {
                        slots.add(new Slot(rows.getLong(1), rows.getLong(2), rows.getLong(3)));
                    }
                    return slots;
                });
        try {
            if (commits) {
                pipeline.runAndCommit(dataSource);
            } else {
                pipeline.run(dataSource);
            }
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof PSQLException sql && sql.getServerErrorMessage() != null
                    && CLIENT_ID_CONSTRAINT.equals(sql.getServerErrorMessage().getConstraint())) {
                throw new DuplicateClientId();
            }
            throw new IllegalStateException("could not append " + inbound.size() + " events", e);
        }
        List<Slot> slots = placed.get();
        if (slots.size() != inbound.size()) {
            throw new IllegalStateException("placed " + slots.size() + " of " + inbound.size() + " events");
        }
        List<AppendResult> results = new ArrayList<>(inbound.size());
        for (int i = 0; i < inbound.size(); i++) {
            Inbound event = inbound.get(i);
            Slot slot = slots.get(i);
            appendedCounter.increment();
            appended.fire(new EventAppended(new StoredEvent(slot.sessionId(), slot.seq(), event.type(), event.payload(),
                    event.clientMsgId(), event.correlationId(), now, event.traceParent()), slot.priorInboundSeq()));
            results.add(new AppendResult(slot.sessionId(), slot.seq(), false));
        }
        return results;
    }

    /** Where an inbound event was placed in its session's log, and the session's inbound seq before it. */
    private record Slot(long sessionId, long seq, long priorInboundSeq) {
    }

    /**
     * The append of inbound events: k-th of a session's n events in the statement gets the k-th of
     * the n seqs reserved for them, in the order given. Its result (fixed-width columns only) is one
     * row per event, in that order.
     */
    private static String appendSql(String inboundReservation) {
        return """
                WITH input AS (
                    SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                         ?::text[])
                           WITH ORDINALITY AS i(tenant_id, channel, external_key, type, payload, client_msg_id,
                                                correlation_id, trace_parent, ord)
                ), numbered AS (
                    SELECT i.*, row_number() OVER same_session AS k, count(*) OVER same_session AS n,
                           min(ord) OVER same_session AS first_ord
                      FROM input i
                    WINDOW same_session AS (PARTITION BY tenant_id, channel, external_key ORDER BY ord
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                ), need AS (
                    SELECT tenant_id, channel, external_key, n, first_ord FROM numbered WHERE k = 1
                ), reserved AS (
                %s
                ), placed AS (
                    SELECT e.*, r.id AS session_id, r.last_seq - e.n + e.k AS seq,
                           CASE WHEN e.k = 1 THEN r.prior_inbound_seq ELSE r.last_seq - e.n + e.k - 1 END AS prior
                      FROM numbered e JOIN reserved r USING (tenant_id, channel, external_key)
                ), inserted AS (
                    INSERT INTO events (tenant_id, session_id, seq, type, payload, client_msg_id, correlation_id,
                                        created_at, trace_parent)
                    SELECT tenant_id, session_id, seq, type, payload::jsonb, client_msg_id, correlation_id, ?, trace_parent
                      FROM placed
                )
                SELECT session_id, seq, prior FROM placed ORDER BY ord""".formatted(inboundReservation);
    }

    /** Writes events derived from processing, at seqs the caller reserved, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendDerived(TenantId tenant, long sessionId, long firstSeq, List<NewEvent> events,
            String correlationId) {
        appendDerivedAll(List.of(new Derived(tenant, sessionId, firstSeq, events, correlationId)));
    }

    /** Derived events of one session at the seqs reserved for them from {@code firstSeq} on. */
    public record Derived(TenantId tenant, long sessionId, long firstSeq, List<NewEvent> events,
            String correlationId) {
    }

    /** {@link #appendDerived} for several sessions in one round trip. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendDerivedAll(List<Derived> all) {
        Pipeline pipeline = new Pipeline();
        appendDerivedIn(pipeline, all);
        pipeline.run(dataSource);
    }

    /** {@link #appendDerivedAll} as one statement of a pipeline (none when there is nothing to append). */
    public void appendDerivedIn(Pipeline pipeline, List<Derived> all) {
        List<Object> tenants = new ArrayList<>();
        List<Long> sessionIds = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        List<String> correlationIds = new ArrayList<>();
        for (Derived derived : all) {
            long seq = derived.firstSeq();
            for (NewEvent event : derived.events()) {
                tenants.add(derived.tenant().value());
                sessionIds.add(derived.sessionId());
                seqs.add(seq++);
                types.add(event.type());
                payloads.add(json(event.payload()));
                correlationIds.add(derived.correlationId());
            }
        }
        if (seqs.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(clock.now());
        // one statement whatever the number of rows: its text, and so its prepared plan, stays the same
        pipeline.add("""
                INSERT INTO events (tenant_id, session_id, seq, type, payload, correlation_id, created_at)
                SELECT t, s, q, y, p::jsonb, c, ? FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
                       ?::text[]) AS e(t, s, q, y, p, c)""",
                arguments -> arguments.timestamp(now).array("uuid", tenants).array("bigint", sessionIds)
                        .array("bigint", seqs).array("text", types).array("text", payloads)
                        .array("text", correlationIds),
                (rows, count) -> count);
    }

    /**
     * Appends one derived event that needs no processing (an audit record such as an error) at the
     * session's next seq, in the caller's transaction; returns that seq.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long appendRecord(TenantId tenant, long sessionId, NewEvent event, String correlationId) {
        long seq = sessions.reserveDerivedSeqs(sessionId, 1);
        appendDerived(tenant, sessionId, seq, List.of(event), correlationId);
        return seq;
    }

    /** Inbound events (messages, releases) after {@code afterSeq}, oldest first: the processing queue of a session. */
    @Transactional
    public List<StoredEvent> inboundAfter(long sessionId, long afterSeq, int limit) {
        return query("SELECT session_id, seq, type, payload::text, client_msg_id, correlation_id, created_at, trace_parent "
                + "FROM events WHERE session_id = ? AND seq > ? AND type IN " + EventTypes.INBOUND_SQL
                + " ORDER BY seq LIMIT ?", sessionId, afterSeq, limit);
    }

    /** The last {@code limit} conversation messages (user and assistant) before {@code beforeSeq}, oldest first. */
    @Transactional
    public List<StoredEvent> recentMessages(long sessionId, long beforeSeq, int limit) {
        List<StoredEvent> newestFirst = query("""
                SELECT session_id, seq, type, payload::text, client_msg_id, correlation_id, created_at, trace_parent
                  FROM events WHERE session_id = ? AND seq < ? AND type IN ('user_message', 'assistant_message')
                 ORDER BY seq DESC LIMIT ?""", sessionId, beforeSeq, limit);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * The newest state snapshot at or before {@code seq}: the outcome of processing a message
     * ({@code assistant_message}) or an expiry ({@code session_expired}); both carry state, data, version.
     */
    @Transactional
    public Optional<StoredEvent> lastSnapshotAtOrBefore(long sessionId, long seq) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT session_id, seq, type, payload::text, client_msg_id, correlation_id, created_at, trace_parent
                  FROM events WHERE session_id = ? AND seq <= ? AND type IN ('assistant_message', 'session_expired')
                 ORDER BY seq DESC LIMIT 1""")) {
            ps.setLong(1, sessionId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read events of session " + sessionId, e);
        }
    }

    /**
     * Replaces the payload of every event of the session that can carry personal content (messages,
     * state snapshots) with {@code {"erased": true}} and the structure that says what it was (the reply's
     * effect seq, what it answered, the kind of content); transitions and errors keep theirs (no content).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erasePersonalContent(long sessionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE events SET payload = jsonb_build_object('erased', true) || jsonb_strip_nulls(jsonb_build_object(
                           'effectSeq', payload -> 'effectSeq', 'replyTo', payload -> 'replyTo', 'kind', payload -> 'kind',
                           -- who answered and in which conversation: analytics' rebuild attributes the reply
                           'agentId', payload -> 'agentId', 'conversationId', payload -> 'conversationId'))
                 WHERE session_id = ? AND type IN ('user_message', 'assistant_message', 'session_expired',
                                                    'agent_message', 'agent_note')""")) {
            ps.setLong(1, sessionId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not erase the events of session " + sessionId, e);
        }
    }

    /** A page of a session's log, oldest first. */
    @Transactional
    public List<StoredEvent> page(long sessionId, long afterSeq, int limit) {
        return query("""
                SELECT session_id, seq, type, payload::text, client_msg_id, correlation_id, created_at, trace_parent
                  FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?""", sessionId, afterSeq, limit);
    }

    private Optional<StoredEvent> findByClientIdInTransaction(SessionAddress address, String clientMsgId) {
        return sessions.find(address).flatMap(session -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT session_id, seq, type, payload::text, client_msg_id, correlation_id, created_at, trace_parent
                      FROM events WHERE session_id = ? AND client_msg_id = ?""")) {
                ps.setLong(1, session.id());
                ps.setString(2, clientMsgId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<StoredEvent>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not look up a client id in session " + session.id(), e);
            }
        });
    }

    private List<StoredEvent> query(String sql, long sessionId, long afterSeq, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(read(rs));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read events of session " + sessionId, e);
        }
    }

    private StoredEvent read(ResultSet rs) throws SQLException {
        try {
            return new StoredEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), mapper.readTree(rs.getString(4)),
                    rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getString(8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event payload is not JSON", e);
        }
    }

    private String json(Object payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event payload is not serialisable", e);
        }
    }
}
