package dev.switchboard.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.storage.Jdbc;
import dev.switchboard.storage.LogClock;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.storage.SqlLiteral;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The {@code effects} table. */
@ApplicationScoped
class EffectStore {
    private static final String COLUMNS = """
            id, tenant_id, channel, session_key, session_id, seq, reply_to, type, payload::text, status, attempts,
            last_error, created_at, sent_at, trace_parent""";
    /** The statuses that are delivery lag: due now or after a backoff. */
    private static final String LAG = SqlLiteral.list(EffectStatus.LAG);

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final long leaseMillis;

    private final LogClock clock;

    EffectStore(DataSource dataSource, ObjectMapper mapper, OutboxConfig config, LogClock clock) {
        this.clock = clock;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.leaseMillis = config.claimLease().toMillis();
    }

    /**
     * Inserts the effects of several sessions at the seqs their callers reserved, as one statement of
     * the pipeline; the stored effects of each once it has run. Effects whose channel is not
     * {@code dueOnChannel} wait for their client ({@link EffectStatus#AWAITING_CLIENT}: no background
     * attempts). The dedupe key makes a second insert for the same reply fail.
     */
    Supplier<List<List<Effect>>> insertIn(Pipeline pipeline, List<SessionEffects> all,
            Predicate<String> dueOnChannel) {
        List<Object> tenants = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Long> sessionIds = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        List<Long> replyTos = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        List<String> dedupeKeys = new ArrayList<>();
        List<String> messageStatuses = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> traceParents = new ArrayList<>();
        List<Boolean> due = new ArrayList<>();
        try {
            for (SessionEffects effects : all) {
                long seq = effects.firstSeq();
                int index = 0;
                for (NewEffect effect : effects.effects()) {
                    String channel = effect.channel() == null ? effects.address().channel() : effect.channel();
                    boolean isDue = dueOnChannel.test(channel);
                    tenants.add(effects.address().tenant().value());
                    channels.add(channel);
                    keys.add(effects.address().key());
                    sessionIds.add(effects.sessionId());
                    seqs.add(seq++);
                    replyTos.add(effects.replyTo());
                    types.add(effect.type());
                    payloads.add(mapper.writeValueAsString(effect.payload()));
                    dedupeKeys.add(effects.sessionId() + ":" + effects.replyTo() + ":" + index++);
                    messageStatuses.add(Effect.MESSAGE.equals(effect.type()) ? MessageStatus.PENDING.wire() : null);
                    statuses.add((isDue ? EffectStatus.PENDING : EffectStatus.AWAITING_CLIENT).wire());
                    traceParents.add(effects.traceParent());
                    due.add(isDue);
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not record effects of " + all.size() + " sessions", e);
        }
        if (seqs.isEmpty()) {
            return () -> all.stream().map(e -> List.<Effect>of()).toList();
        }
        Timestamp now = Timestamp.from(clock.now());
        // one statement whatever the number of rows: its text, and so its prepared plan, stays the same.
        // A due effect is leased to its delivery lane first: the sweep claims it only if the lane has not
        // marked it sent (or failed) within the lease, so the two never send it together.
        return pipeline.add("""
                INSERT INTO effects (tenant_id, channel, session_key, session_id, seq, reply_to, type, payload,
                                     dedupe_key, message_status, status, created_at, trace_parent, next_attempt_at)
                SELECT t, ch, k, s, q, r, y, p::jsonb, d, m, st, ?, tp,
                       CASE WHEN due THEN now() + ? * interval '1 millisecond' END
                  FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[],
                              ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
                       AS e(t, ch, k, s, q, r, y, p, d, m, st, tp, due)
                RETURNING id, session_id, seq""",
                arguments -> arguments.timestamp(now).number(leaseMillis).array("uuid", tenants)
                        .array("text", channels).array("text", keys).array("bigint", sessionIds).array("bigint", seqs)
                        .array("bigint", replyTos).array("text", types).array("text", payloads)
                        .array("text", dedupeKeys).array("text", messageStatuses).array("text", statuses)
                        .array("text", traceParents).array("boolean", due),
                (rows, count) -> {
                    // only the ids come back (a pipelined answer has fixed-width columns): the rest is what was sent
                    Map<String, Long> ids = new HashMap<>();
                    while (rows.next()) {
                        ids.put(rows.getLong(2) + ":" + rows.getLong(3), rows.getLong(1));
                    }
                    List<List<Effect>> stored = new ArrayList<>(all.size());
                    int row = 0;
                    for (SessionEffects effects : all) {
                        List<Effect> one = new ArrayList<>(effects.effects().size());
                        for (NewEffect effect : effects.effects()) {
                            long seq = seqs.get(row);
                            one.add(new Effect(ids.get(effects.sessionId() + ":" + seq),
                                    new SessionAddress(effects.address().tenant(), channels.get(row), keys.get(row)),
                                    effects.sessionId(), seq, effects.replyTo(), effect.type(), copy(effect.payload()),
                                    EffectStatus.fromWire(statuses.get(row)), 0, null, now.toInstant(), null,
                                    effects.traceParent()));
                            row++;
                        }
                        stored.add(one);
                    }
                    return stored;
                });
    }

    /** Effects of a session in seq order; of one channel when {@code channel} is not null. */
    @Transactional
    List<Effect> page(long sessionId, String channel, long afterSeq, long upToSeq, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM effects WHERE session_id = ? AND seq > ? AND seq <= ? "
                + "AND (? IS NULL OR channel = ?) ORDER BY seq LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            ps.setLong(2, afterSeq);
            ps.setLong(3, upToSeq);
            ps.setString(4, channel);
            ps.setString(5, channel);
            ps.setInt(6, limit);
            return readAll(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read effects of session " + sessionId, e);
        }
    }

    /** The seq of each session's newest effect to {@code channel} (sessions without one are left out). */
    @Transactional
    Map<Long, Long> latestSeqs(Collection<Long> sessionIds, String channel) {
        String sql = "SELECT s.id, (SELECT e.seq FROM effects e WHERE e.session_id = s.id AND e.channel = ? "
                + "ORDER BY e.seq DESC LIMIT 1) FROM unnest(?::bigint[]) AS s(id)";
        Map<Long, Long> latest = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, channel);
            ps.setArray(2, c.createArrayOf("bigint", sessionIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(2);
                    if (!rs.wasNull()) {
                        latest.put(rs.getLong(1), seq);
                    }
                }
            }
            return latest;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the latest effects of " + sessionIds.size() + " sessions", e);
        }
    }

    /**
     * Claims due effects for delivery by this node: locks them with SKIP LOCKED so concurrent
     * sweepers on other nodes take others, and pushes their next attempt past a lease so that they
     * are not claimed again while this node works on them. An effect is held back while an earlier
     * effect of its session to the same channel is still being retried, to keep per-session order
     * on each channel (a failing outside desk does not hold back the customer's own channel).
     */
    @Transactional
    List<Effect> claimDue(int limit, Duration lease) {
        String sql = "UPDATE effects SET next_attempt_at = now() + ? * interval '1 millisecond' WHERE id IN ("
                + " SELECT e.id FROM effects e"
                + "  WHERE e.status IN " + LAG + " AND e.next_attempt_at <= now()"
                + "    AND NOT EXISTS (SELECT 1 FROM effects p WHERE p.session_id = e.session_id AND p.channel = e.channel"
                + "                     AND p.seq < e.seq"
                + "                     AND p.status IN " + LAG + " AND p.next_attempt_at IS NOT NULL)"
                + "  ORDER BY e.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, lease.toMillis());
            ps.setInt(2, limit);
            List<Effect> claimed = readAll(ps);
            claimed.sort(Comparator.comparingLong(Effect::sessionId).thenComparing(e -> e.address().channel())
                    .thenComparingLong(Effect::seq));
            return claimed;
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim due effects", e);
        }
    }

    @Transactional
    void markSent(Collection<Long> ids) {
        // handed to the recipient (a web client's socket) is delivered, for a message
        String sql = "UPDATE effects SET status = " + EffectStatus.SENT.literal() + ", sent_at = now(), "
                + "attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL, "
                + "message_status = CASE WHEN message_status IN " + SqlLiteral.list(MessageStatus.PENDING,
                        MessageStatus.SENT) + " THEN " + MessageStatus.DELIVERED.literal() + " ELSE message_status END, "
                + "delivered_at = CASE WHEN message_status IS NULL THEN NULL ELSE COALESCE(delivered_at, now()) END "
                + "WHERE id = ANY (?) AND status <> " + EffectStatus.SENT.literal();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(sql))) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, array);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark effects sent", e);
        }
    }

    static final int FAILURES_KEPT = 20;
    /**
     * The SQL that adds a failed attempt to {@code failures}, the error history an operator reads
     * (the last {@link #FAILURES_KEPT}); its one parameter is the error.
     */
    static final String APPEND_FAILURE = "failures = CASE WHEN jsonb_array_length(failures) >= " + FAILURES_KEPT
            + " THEN failures - 0 ELSE failures END || jsonb_build_array(jsonb_build_object('attempt', attempts + 1, "
            + "'at', now(), 'error', ?::text))";
    private static final int MAX_ERROR = 2000;

    /** Records a failed attempt: either the time of the next one, or the dead letter. */
    @Transactional
    void markFailed(long id, int attempts, Instant nextAttempt, String error) {
        String sql = "UPDATE effects SET " + APPEND_FAILURE + ", attempts = ?, last_error = ?, status = ?, "
                + "next_attempt_at = ? WHERE id = ? AND status <> " + EffectStatus.SENT.literal();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            String stored = truncated(error);
            ps.setString(1, stored);
            ps.setInt(2, attempts);
            ps.setString(3, stored);
            ps.setString(4, (nextAttempt == null ? EffectStatus.DEAD : EffectStatus.FAILED).wire());
            ps.setTimestamp(5, nextAttempt == null ? null : Timestamp.from(nextAttempt));
            ps.setLong(6, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record failed delivery of effect " + id, e);
        }
    }

    static String truncated(String error) {
        return error == null ? null : error.substring(0, Math.min(error.length(), MAX_ERROR));
    }

    /** Puts an effect off without counting an attempt (its channel is throttled or its breaker open). */
    @Transactional
    void defer(long id, Instant nextAttempt, String reason) {
        String sql = "UPDATE effects SET status = " + EffectStatus.FAILED.literal() + ", next_attempt_at = ?, "
                + "last_error = ? WHERE id = ? AND status IN " + LAG;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(nextAttempt));
            ps.setString(2, reason);
            ps.setLong(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not defer effect " + id, e);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    int erasePayloads(long sessionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                // the author stays (a bot or an agent, by id, not by name): analytics' rebuild counts their messages
                "UPDATE effects SET payload = jsonb_build_object('erased', true) || jsonb_strip_nulls("
                        + "jsonb_build_object('from', (payload -> 'from') - 'name')), "
                        // a channel's error may quote what it was sent: the attempts stay, their words go
                        + "last_error = NULL, failures = (SELECT coalesce(jsonb_agg(f - 'error'), '[]') "
                        + "FROM jsonb_array_elements(failures) f) WHERE session_id = ?")) {
            ps.setLong(1, sessionId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not erase the effects of session " + sessionId, e);
        }
    }

    /**
     * Per channel, the count of effects that are delivery lag (pending or failed) and the age in
     * seconds of the oldest of them.
     */
    @Transactional
    Map<String, long[]> pendingByChannel() {
        String sql = "SELECT channel, count(*), EXTRACT(EPOCH FROM now() - min(created_at)) "
                + "FROM effects WHERE status IN " + LAG + " GROUP BY channel";
        Map<String, long[]> lag = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                lag.put(rs.getString(1), new long[] {rs.getLong(2), (long) rs.getDouble(3)});
            }
            return lag;
        } catch (SQLException e) {
            throw new IllegalStateException("could not measure the outbox", e);
        }
    }

    /** Dead letters by channel: effects that will not be attempted again until an operator acts. */
    @Transactional
    Map<String, Long> deadByChannel() {
        String sql = "SELECT channel, count(*) FROM effects WHERE status = " + EffectStatus.DEAD.literal()
                + " GROUP BY channel";
        Map<String, Long> dead = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                dead.put(rs.getString(1), rs.getLong(2));
            }
            return dead;
        } catch (SQLException e) {
            throw new IllegalStateException("could not count dead letters", e);
        }
    }

    private List<Effect> readAll(PreparedStatement ps) throws SQLException {
        List<Effect> effects = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                effects.add(read(rs));
            }
        }
        return effects;
    }

    /** The delivered effect's own payload: the agent's tree stays the agent's. */
    private static JsonNode copy(JsonNode payload) {
        return payload == null ? NullNode.getInstance() : payload.deepCopy();
    }

    private Effect read(ResultSet rs) throws SQLException {
        try {
            SessionAddress address = new SessionAddress(new TenantId((UUID) rs.getObject(2)), rs.getString(3),
                    rs.getString(4));
            Timestamp sent = rs.getTimestamp(14);
            return new Effect(rs.getLong(1), address, rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getString(8),
                    mapper.readTree(rs.getString(9)), EffectStatus.fromWire(rs.getString(10)), rs.getInt(11), rs.getString(12),
                    rs.getTimestamp(13).toInstant(), sent == null ? null : sent.toInstant(), rs.getString(15));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored effect payload is not JSON", e);
        }
    }
}
