package dev.switchboard.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.storage.Jdbc;
import dev.switchboard.storage.LogClock;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What an operator does with dead letters (ADR 0014): lists and reads them, retries them (each goes
 * back to {@code pending} with fresh attempts, and the sweep delivers it before any later effect of
 * its session that is still waiting) or discards them. Both actions are idempotent and recorded as a
 * {@code dead_letter_ended} event in the session's log. Runs on the system path: the caller is the
 * admin API.
 */
@ApplicationScoped
public class DeadLetters {
    private static final String COLUMNS = "id, tenant_id, channel, session_key, seq, reply_to, type, status, attempts, "
            + "last_error, created_at, retried_at, payload::text, failures::text, session_id";
    private static final String DEAD = EffectStatus.DEAD.literal();
    /** An effect the API shows: a dead letter now, or one that was until an operator acted on it. */
    private static final String WAS_DEAD = "(status IN (" + DEAD + ", " + EffectStatus.DISCARDED.literal()
            + ") OR retried_at IS NOT NULL)";

    /** What an operator can do with a dead letter. */
    public enum Action {
        /** deliver it again (its cause was fixed) */
        RETRY,
        /** give up on it for good */
        DISCARD;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What an action did: applied now, already done before (a repeat), or impossible in the letter's state. */
    public enum Outcome {
        APPLIED,
        ALREADY_DONE,
        NOT_APPLICABLE
    }

    public record Acted(Outcome outcome, DeadLetter letter) {
    }

    private final DataSource dataSource;
    private final SessionStore sessions;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final LogClock clock;
    private final Event<MessageStatusChanged> statusChanged;

    DeadLetters(DataSource dataSource, SessionStore sessions, EventStore events, ObjectMapper mapper, LogClock clock,
            Event<MessageStatusChanged> statusChanged) {
        this.dataSource = dataSource;
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
        this.clock = clock;
        this.statusChanged = statusChanged;
    }

    /** Dead letters in id order after {@code afterId}, of one tenant and one channel when given. */
    public List<DeadLetter> list(UUID tenant, String channel, long afterId, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM effects WHERE status = " + DEAD + " AND id > ?");
        args.add(afterId);
        if (tenant != null) {
            sql.append(" AND tenant_id = ?");
            args.add(tenant);
        }
        if (channel != null) {
            sql.append(" AND channel = ?");
            args.add(channel);
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(limit);
        return QuarkusTransaction.requiringNew().call(() -> query(sql.toString(), args.toArray())).stream()
                .map(DeadLetter::summary).toList();
    }

    public Optional<DeadLetter> find(long id) {
        return QuarkusTransaction.requiringNew().call(() -> query("SELECT " + COLUMNS + " FROM effects WHERE id = ? AND "
                + WAS_DEAD, id).stream().findFirst());
    }

    /** Retries or discards one dead letter; empty when there is no such letter. */
    public Optional<Acted> act(long id, Action action, String correlationId) {
        Optional<DeadLetter> found = find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DeadLetter letter = found.get();
        return Optional.of(QuarkusTransaction.requiringNew().call(() -> {
            // the session first, then its effects: the order every writer of a session's effects keeps
            sessions.lock(letter.sessionId());
            DeadLetter now = query("SELECT " + COLUMNS + " FROM effects WHERE id = ? FOR UPDATE", id).get(0);
            if (now.status() == EffectStatus.DEAD) {
                end(List.of(now), action, correlationId);
                return new Acted(Outcome.APPLIED, query("SELECT " + COLUMNS + " FROM effects WHERE id = ?", id).get(0));
            }
            boolean repeat = action == Action.DISCARD ? now.status() == EffectStatus.DISCARDED
                    : now.status() != EffectStatus.DISCARDED && now.retriedAt() != null;
            return new Acted(repeat ? Outcome.ALREADY_DONE : Outcome.NOT_APPLICABLE, now);
        }));
    }

    /**
     * Retries up to {@code limit} dead letters (of one tenant and channel when given), one transaction
     * per session, each session's in seq order; returns how many were retried.
     */
    public int retryAll(UUID tenant, String channel, int limit, String correlationId) {
        Map<Long, List<DeadLetter>> bySession = new LinkedHashMap<>();
        for (DeadLetter letter : list(tenant, channel, 0, limit)) {
            bySession.computeIfAbsent(letter.sessionId(), s -> new ArrayList<>()).add(letter);
        }
        int retried = 0;
        for (List<DeadLetter> ofSession : bySession.values()) {
            DeadLetter first = ofSession.get(0);
            retried += QuarkusTransaction.requiringNew().call(() -> {
                sessions.lock(first.sessionId());
                List<DeadLetter> still = query("SELECT " + COLUMNS + " FROM effects WHERE id = ANY (?) AND status = "
                        + DEAD + " ORDER BY seq FOR UPDATE", (Object) ofSession.stream().map(DeadLetter::id).toArray(Long[]::new));
                end(still, Action.RETRY, correlationId);
                return still.size();
            });
        }
        return retried;
    }

    /** Applies {@code action} to dead letters of one session, whose row the caller's transaction locked. */
    private void end(List<DeadLetter> letters, Action action, String correlationId) {
        if (letters.isEmpty()) {
            return;
        }
        Long[] ids = letters.stream().map(DeadLetter::id).toArray(Long[]::new);
        if (action == Action.RETRY) {
            // fresh attempts, due now; a failed message is on its way again
            execute("UPDATE effects SET status = " + EffectStatus.PENDING.literal() + ", attempts = 0, "
                    + "next_attempt_at = now(), retried_at = now(), "
                    + "message_status = CASE WHEN message_status = " + MessageStatus.FAILED.literal() + " THEN "
                    + MessageStatus.PENDING.literal() + " ELSE message_status END, "
                    + "failed_at = NULL, failure_code = NULL, failure_reason = NULL WHERE id = ANY (?)", ids);
        } else {
            execute("UPDATE effects SET status = " + EffectStatus.DISCARDED.literal() + ", next_attempt_at = NULL "
                    + "WHERE id = ANY (?)", ids);
        }
        for (DeadLetter letter : letters) {
            TenantId tenant = new TenantId(letter.tenantId());
            events.appendRecord(tenant, letter.sessionId(), new NewEvent(EventTypes.DEAD_LETTER_ENDED,
                    mapper.createObjectNode().put("effectSeq", letter.seq()).put("action", action.wire())), correlationId);
            if (action == Action.RETRY && Effect.MESSAGE.equals(letter.type())) {
                statusChanged.fire(new MessageStatusChanged(tenant, letter.sessionId(), letter.seq(),
                        MessageStatus.PENDING, clock.now(), null, null));
            }
        }
    }

    private void execute(String sql, Long[] ids) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(sql))) {
            Array array = c.createArrayOf("bigint", ids);
            ps.setArray(1, array);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not act on dead letters", e);
        }
    }

    private List<DeadLetter> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (Arrays.stream(args).anyMatch(Long[].class::isInstance)) {
                Jdbc.planEachTime(ps); // on a list of ids (ADR 0020)
            }
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Long[] ids ? c.createArrayOf("bigint", ids) : args[i]);
            }
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(read(rs));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read dead letters", e);
        }
    }

    private DeadLetter read(ResultSet rs) throws SQLException {
        try {
            Timestamp retried = rs.getTimestamp(12);
            List<DeadLetter.Failure> failures = new ArrayList<>();
            for (var f : mapper.readTree(rs.getString(14))) {
                failures.add(new DeadLetter.Failure(f.path("attempt").asInt(),
                        OffsetDateTime.parse(f.path("at").asText()).toInstant(), f.hasNonNull("error") ? f.get("error").asText() : null));
            }
            return new DeadLetter(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                    rs.getLong(6), rs.getString(7), EffectStatus.fromWire(rs.getString(8)), rs.getInt(9),
                    rs.getString(10), rs.getTimestamp(11).toInstant(), retried == null ? null : retried.toInstant(),
                    mapper.readTree(rs.getString(13)), failures, rs.getLong(15));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored effect is not JSON", e);
        }
    }
}
