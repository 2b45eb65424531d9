package dev.switchboard.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Session rows: the per-session counters (event seq, effect seq, processing cursor) and the
 * versioned, checksummed conversation state. Every method joins the caller's transaction.
 */
@ApplicationScoped
public class SessionStore {
    private static final String ACTIVE = SessionStatus.ACTIVE.literal();
    /** The processing commit: only when the session is still as the worker read it, and active. */
    private static final String COMMIT_SQL = """
            UPDATE sessions
               SET state = ?, data = ?::jsonb, version = ?, checksum = ?, processed_seq = ?,
                   last_seq = last_seq + ?, effect_seq = effect_seq + ?, last_activity_at = now()
             WHERE id = ? AND version = ? AND processed_seq = ? AND status = %s AND state = ? AND data = ?::jsonb
            RETURNING last_seq, effect_seq, last_inbound_seq"""
            .formatted(ACTIVE);
    public static final String INITIAL_STATE = "idle";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final StateChecksum checksum;
    private final String initialChecksum;

    SessionStore(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.checksum = new StateChecksum(mapper);
        this.initialChecksum = checksum.of(INITIAL_STATE, checksum.canonicalJson(Map.of()), 0);
    }

    /** The seqs a processing commit reserved: derived events start at firstEventSeq, effects at firstEffectSeq. */
    public record Committed(SessionState state, long firstEventSeq, long firstEffectSeq) {
    }

    /**
     * The seq reservation of inbound appends, as a data-modifying CTE of the appender's one statement
     * (ADR 0025). It reads {@code need(tenant_id, channel, external_key, n, first_ord)}, n inbound
     * events for each address, creates each session on its first message or locks its row, in
     * {@code first_ord} order (the lock order), and reserves its next n seqs. It yields {@code id,
     * tenant_id, channel, external_key}, {@code last_seq} (the last seq reserved) and
     * {@code prior_inbound_seq} (the session's last inbound seq before them, 0 for a new session).
     * The row locks serialise appends to one session until the transaction ends.
     */
    public String inboundReservation() {
        return """
                INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum, last_seq, last_inbound_seq)
                SELECT tenant_id, channel, external_key, '%s', '{}'::jsonb, '%s', n, n FROM need ORDER BY first_ord
                ON CONFLICT (tenant_id, channel, external_key) DO UPDATE
                   SET last_seq = sessions.last_seq + excluded.last_seq,
                       last_inbound_seq = sessions.last_seq + excluded.last_seq,
                       prior_inbound_seq = sessions.last_inbound_seq,
                       last_activity_at = now()
                RETURNING id, tenant_id, channel, external_key, last_seq, prior_inbound_seq""".formatted(INITIAL_STATE,
                initialChecksum);
    }

    /** Reserves seqs for events that need no processing (audit records such as errors). */
    @Transactional
    public long reserveDerivedSeqs(long sessionId, int count) {
        String sql = "UPDATE sessions SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, count);
            ps.setLong(2, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no session " + sessionId);
                }
                return rs.getLong(1) - count + 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not reserve seqs for session " + sessionId, e);
        }
    }

    /** Loads a session for processing and verifies its checksum. */
    @Transactional
    public Optional<SessionState> load(long sessionId) {
        String sql = """
                SELECT id, tenant_id, channel, external_key, state, data::text, version, checksum,
                       processed_seq, last_inbound_seq, status
                  FROM sessions WHERE id = ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                TenantId tenant = new TenantId((UUID) rs.getObject(2));
                Map<String, Object> data = parse(rs.getString(6));
                long version = rs.getLong(7);
                String stored = rs.getString(8);
                String computed = checksum.of(rs.getString(5), checksum.canonicalJson(data), version);
                if (!computed.equals(stored)) {
                    throw new CorruptSessionException(sessionId, tenant, stored, computed);
                }
                return Optional.of(new SessionState(rs.getLong(1), tenant,
                        rs.getString(3), rs.getString(4), rs.getString(5), data, version,
                        rs.getLong(9), rs.getLong(10), SessionStatus.fromWire(rs.getString(11))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not load session " + sessionId, e);
        }
    }

    /**
     * Writes the outcome of processing one inbound event: new state (version + 1, new checksum),
     * the cursor, and reserves seqs for the derived events and effects written beside it.
     *
     * @throws StaleSessionException when the row is no longer at {@code prior}'s version and cursor
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Committed commit(SessionState prior, String newState, Map<String, Object> newData, long processedSeq,
            int derivedEvents, int effects) {
        return commitAll(List.of(new Commit(prior, newState, newData, processedSeq, derivedEvents, effects))).get(0);
    }

    /** What processing one inbound event changes in its session's row (see {@link #commitAll}). */
    public record Commit(SessionState prior, String newState, Map<String, Object> newData, long processedSeq,
            int derivedEvents, int effects) {
    }

    /**
     * {@link #commit} for several sessions in one round trip, locking the rows in the caller's order.
     *
     * @throws StaleSessionException when any row is no longer at its prior's version and cursor
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Committed> commitAll(List<Commit> commits) {
        Pipeline pipeline = new Pipeline();
        Supplier<List<Committed>> committed = commitIn(pipeline, commits);
        pipeline.run(dataSource);
        return committed.get();
    }

    /**
     * {@link #commitAll} as statements of a pipeline, one per session in list order (so the rows are
     * locked in that order); a stale row throws {@link StaleSessionException} when its result is read.
     */
    public Supplier<List<Committed>> commitIn(Pipeline pipeline, List<Commit> commits) {
        List<Supplier<Committed>> each = new ArrayList<>(commits.size());
        for (Commit commit : commits) {
            SessionState prior = commit.prior();
            String canonicalData = checksum.canonicalJson(commit.newData());
            each.add(pipeline.add(COMMIT_SQL, arguments -> arguments.string(commit.newState()).string(canonicalData)
                    .number(prior.version() + 1)
                    .string(checksum.of(commit.newState(), canonicalData, prior.version() + 1))
                    .number(commit.processedSeq()).number(commit.derivedEvents()).number(commit.effects())
                    .number(prior.id()).number(prior.version()).number(prior.processedSeq())
                    // the row must still hold what the prior says (verified when it was loaded, or written by the
                    // last commit): a row changed behind our back is stale, and its reload verifies it again
                    .string(prior.state()).string(checksum.canonicalJson(prior.data())),
                    (rows, count) -> {
                        if (!rows.next()) {
                            throw new StaleSessionException(prior.id(), prior.version());
                        }
                        SessionState next = new SessionState(prior.id(), prior.tenant(), prior.channel(), prior.key(),
                                commit.newState(), commit.newData(), prior.version() + 1, commit.processedSeq(),
                                rows.getLong(3), prior.status());
                        return new Committed(next, rows.getLong(1) - commit.derivedEvents() + 1,
                                rows.getLong(2) - commit.effects() + 1);
                    }));
        }
        return () -> each.stream().map(Supplier::get).toList();
    }

    /**
     * The commit of an inactivity expiry: like {@link #commit}, and only while the session is still
     * idle since before {@code idleBefore} with no inbound event waiting. An append locks the row and
     * moves {@code last_inbound_seq} and {@code last_activity_at}, so a message that commits before
     * the expiry makes it stale: the message wins, and is processed with the state it was sent into.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Committed commitExpiry(SessionState prior, String expiredState, Instant idleBefore, int derivedEvents) {
        long newVersion = prior.version() + 1;
        String canonicalData = checksum.canonicalJson(Map.of());
        String sql = """
                UPDATE sessions
                   SET state = ?, data = ?::jsonb, version = ?, checksum = ?, last_seq = last_seq + ?,
                       last_activity_at = now()
                 WHERE id = ? AND version = ? AND processed_seq = ? AND status = %s
                   AND last_inbound_seq = processed_seq AND last_activity_at < ?
                RETURNING last_seq, effect_seq, last_inbound_seq""".formatted(ACTIVE);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, expiredState);
            ps.setString(2, canonicalData);
            ps.setLong(3, newVersion);
            ps.setString(4, checksum.of(expiredState, canonicalData, newVersion));
            ps.setInt(5, derivedEvents);
            ps.setLong(6, prior.id());
            ps.setLong(7, prior.version());
            ps.setLong(8, prior.processedSeq());
            ps.setTimestamp(9, Timestamp.from(idleBefore));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StaleSessionException(prior.id(), prior.version());
                }
                SessionState next = new SessionState(prior.id(), prior.tenant(), prior.channel(), prior.key(),
                        expiredState, Map.of(), newVersion, prior.processedSeq(), rs.getLong(3), prior.status());
                return new Committed(next, rs.getLong(1) - derivedEvents + 1, rs.getLong(2) + 1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not expire session " + prior.id(), e);
        }
    }

    /** Stops processing a session whose state failed verification; false when it was stopped already. */
    @Transactional
    public boolean markCorrupt(long sessionId) {
        return update("UPDATE sessions SET status = ? WHERE id = ? AND status <> ?", SessionStatus.CORRUPT.wire(),
                sessionId, SessionStatus.CORRUPT.wire()) == 1;
    }

    /**
     * Stops processing an active session at the inbound event {@code seq} that keeps failing; false
     * when the session is no longer active or has already moved past that event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean quarantine(long sessionId, long seq) {
        return update("""
                UPDATE sessions SET status = ?, quarantined_seq = ?
                 WHERE id = ? AND status = ? AND processed_seq < ?""",
                SessionStatus.QUARANTINED.wire(), seq, sessionId, SessionStatus.ACTIVE.wire(), seq) == 1;
    }

    /**
     * Makes a quarantined session active again. With {@code skip} the quarantined event is marked
     * processed without running it (the cursor moves past it, version and checksum are unchanged);
     * without, it is processed again. Returns the quarantined seq, or empty if the session was not quarantined.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Long> endQuarantine(long sessionId, boolean skip) {
        String sql = """
                UPDATE sessions s SET status = ?, quarantined_seq = NULL,
                       processed_seq = CASE WHEN ? THEN GREATEST(s.processed_seq, s.quarantined_seq)
                                            ELSE s.processed_seq END
                  FROM (SELECT id, quarantined_seq FROM sessions WHERE id = ? AND status = ? FOR UPDATE) q
                 WHERE s.id = q.id
                RETURNING q.quarantined_seq""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, SessionStatus.ACTIVE.wire());
            ps.setBoolean(2, skip);
            ps.setLong(3, sessionId);
            ps.setString(4, SessionStatus.QUARANTINED.wire());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not end the quarantine of session " + sessionId, e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update sessions", e);
        }
    }

    /** Records the highest effect seq a client confirmed; false when seq is beyond what exists. */
    @Transactional
    public boolean recordAck(long sessionId, long seq) {
        String sql = """
                UPDATE sessions SET acked_effect_seq = GREATEST(acked_effect_seq, ?)
                 WHERE id = ? AND ? <= effect_seq""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            ps.setLong(2, sessionId);
            ps.setLong(3, seq);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record ack for session " + sessionId, e);
        }
    }

    /**
     * Sessions after {@code afterId} whose processing cursor is behind their last inbound event. No
     * index serves the condition (one would make every message's updates of the row non-HOT, ADR
     * 0024): this walks the table in id order, every few seconds (the recovery sweep).
     */
    @Transactional
    public List<Long> behind(long afterId, int limit) {
        String sql = """
                SELECT id FROM sessions
                 WHERE processed_seq < last_inbound_seq AND status = %s AND id > ?
                 ORDER BY id LIMIT ?""".formatted(ACTIVE);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            return ids(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list sessions behind", e);
        }
    }

    /** Active, caught-up sessions with no activity since {@code before} not in the {@code expired} state yet. */
    @Transactional
    public List<Long> inactiveSince(Instant before, String expired, int limit) {
        String sql = """
                SELECT id FROM sessions
                 WHERE last_activity_at < ? AND state <> ? AND status = %s
                   AND processed_seq = last_inbound_seq
                 ORDER BY last_activity_at LIMIT ?""".formatted(ACTIVE);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setString(2, expired);
            ps.setInt(3, limit);
            return ids(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list inactive sessions", e);
        }
    }

    @Transactional
    public Optional<SessionView> find(SessionAddress address) {
        String sql = """
                SELECT id, channel, external_key, state, data::text, version, checksum, last_seq, processed_seq,
                       last_inbound_seq, effect_seq, acked_effect_seq, status, quarantined_seq, last_activity_at,
                       created_at
                  FROM sessions WHERE tenant_id = ? AND channel = ? AND external_key = ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, address.tenant().value());
            ps.setString(2, address.channel());
            ps.setString(3, address.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SessionView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        parse(rs.getString(5)), rs.getLong(6), rs.getString(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getLong(11), rs.getLong(12), SessionStatus.fromWire(rs.getString(13)),
                        rs.getObject(14, Long.class), rs.getTimestamp(15).toInstant(), rs.getTimestamp(16).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not find session " + address, e);
        }
    }

    /**
     * Locks a session's row until the transaction ends, without changing it: writers that touch a
     * session's effects lock the session first, in the order every other writer does (session, then
     * its effects), so that none of them can deadlock. Empty when there is no such session.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Long> lock(SessionAddress address) {
        String sql = "SELECT id FROM sessions WHERE tenant_id = ? AND channel = ? AND external_key = ? FOR UPDATE";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, address.tenant().value());
            ps.setString(2, address.channel());
            ps.setString(3, address.key());
            List<Long> found = ids(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw new IllegalStateException("could not lock session " + address, e);
        }
    }

    /** {@link #lock(SessionAddress)} by the session's id (an effect to another channel knows only that). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean lock(long sessionId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM sessions WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, sessionId);
            return !ids(ps).isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException("could not lock session " + sessionId, e);
        }
    }

    /** Names the session's customer (a channel learned who wrote); joins the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void linkCustomer(long sessionId, UUID customerId) {
        String sql = "UPDATE sessions SET customer_id = ? WHERE id = ? AND customer_id IS DISTINCT FROM ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, customerId);
            ps.setLong(2, sessionId);
            ps.setObject(3, customerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not link session " + sessionId + " to its customer", e);
        }
    }

    /**
     * Creates the session (without events) if it does not exist yet and names its customer: a web
     * client token names the person before their first message.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void ensureWithCustomer(SessionAddress address, UUID customerId) {
        String sql = """
                INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum, customer_id)
                VALUES (?, ?, ?, ?, '{}'::jsonb, ?, ?)
                ON CONFLICT (tenant_id, channel, external_key) DO UPDATE SET customer_id = EXCLUDED.customer_id""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, address.tenant().value());
            ps.setString(2, address.channel());
            ps.setString(3, address.key());
            ps.setString(4, INITIAL_STATE);
            ps.setString(5, initialChecksum);
            ps.setObject(6, customerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create session " + address, e);
        }
    }

    /** One session of a customer, as their profile lists it. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record CustomerSession(String channel, String key, String state, SessionStatus status,
            Instant lastActivityAt) {
    }

    /** The sessions of a customer, most recently active first. */
    @Transactional
    public List<CustomerSession> ofCustomer(UUID customerId) {
        String sql = """
                SELECT channel, external_key, state, status, last_activity_at FROM sessions
                 WHERE customer_id = ? ORDER BY last_activity_at DESC LIMIT 200""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, customerId);
            List<CustomerSession> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new CustomerSession(rs.getString(1), rs.getString(2), rs.getString(3),
                            SessionStatus.fromWire(rs.getString(4)), rs.getTimestamp(5).toInstant()));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list the sessions of a customer", e);
        }
    }

    private static List<Long> ids(PreparedStatement ps) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private Map<String, Object> parse(String json) {
        try {
            return mapper.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session data is not a JSON object", e);
        }
    }
}
