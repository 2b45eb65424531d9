package dev.switchboard.conversations;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.storage.Jdbc;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The {@code conversations} table. Writers hold their session's row lock (processing, the desk's actions). */
@ApplicationScoped
class ConversationStore {
    private static final String COLUMNS = """
            c.id, s.external_key, c.channel, c.customer_id, cu.name, cu.phone, c.status, c.assignee_id, c.first_seq,
            c.created_at, c.handed_off_at, c.first_human_reply_at, c.resolved_at, c.last_activity_at, c.session_id""";
    private static final String FROM = " FROM conversations c JOIN sessions s ON s.id = c.session_id"
            + " LEFT JOIN customers cu ON cu.id = c.customer_id";

    private static final ConversationStatus[] STATUSES = ConversationStatus.values();
    /** A conversation's status as its 1-based place in {@link #STATUSES}: a fixed-width column. */
    private static final String STATUS_PLACE = Arrays.stream(STATUSES).map(ConversationStatus::literal)
            .collect(Collectors.joining(", ", "array_position(ARRAY[", "]::text[], status)"));

    private final DataSource dataSource;

    ConversationStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A conversation with the session it belongs to. */
    record Found(Conversation conversation, long sessionId) {
    }

    /** The session's unresolved conversation, its last activity touched; empty when there is none. */
    @Transactional(Transactional.TxType.MANDATORY)
    Optional<Found> touchCurrent(long sessionId, SessionAddress address) {
        return Optional.ofNullable(touchCurrent(Map.of(sessionId, address)).get(sessionId));
    }

    /**
     * The unresolved conversation of each session (by id, with its address), last activity touched, in
     * one round trip; a session without one is not in the map.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    Map<Long, Found> touchCurrent(Map<Long, SessionAddress> addresses) {
        Pipeline pipeline = new Pipeline();
        Supplier<Map<Long, Found>> found = touchIn(pipeline, addresses);
        pipeline.run(dataSource);
        return found.get();
    }

    /**
     * How finely last activity is kept: a touch within this of the last one leaves the indexed
     * {@code last_activity_at} as it is, so that the update is HOT and writes no index entries (ADR 0024).
     */
    static final String TOUCH_GRANULARITY = "interval '1 second'";

    /**
     * {@link #touchCurrent} as statements of a pipeline, one per session (its plan is the same for any
     * number of sessions). The caller holds the sessions' row locks, which every writer of a
     * conversation takes first, so the rows' lock order does not matter.
     */
    Supplier<Map<Long, Found>> touchIn(Pipeline pipeline, Map<Long, SessionAddress> addresses) {
        // the tracker needs only what the row itself says; fixed-width columns only, so that the pipeline
        // stays one round trip: the status as its place among the statuses, the channel the session's own
        String sql = "UPDATE conversations SET last_activity_at = CASE WHEN last_activity_at < now() - "
                + TOUCH_GRANULARITY + " THEN now() ELSE last_activity_at END WHERE session_id = ? AND status <> "
                + ConversationStatus.RESOLVED.literal() + " RETURNING id, " + STATUS_PLACE + ", customer_id, "
                + "assignee_id, first_seq, created_at, handed_off_at, first_human_reply_at, last_activity_at";
        List<Supplier<Found>> each = new ArrayList<>(addresses.size());
        addresses.forEach((sessionId, address) -> each.add(pipeline.add(sql, arguments -> arguments.number(sessionId),
                (rs, count) -> rs.next() ? new Found(new Conversation((UUID) rs.getObject(1), address.key(),
                        address.channel(), (UUID) rs.getObject(3), null, null, STATUSES[rs.getInt(2) - 1],
                        (UUID) rs.getObject(4), rs.getLong(5), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                        instant(rs.getTimestamp(8)), null, instant(rs.getTimestamp(9))), sessionId) : null)));
        return () -> {
            Map<Long, Found> found = new HashMap<>();
            each.stream().map(Supplier::get).filter(Objects::nonNull).forEach(f -> found.put(f.sessionId(), f));
            return found;
        };
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Found start(TenantId tenant, long sessionId, String channel, long firstSeq) {
        UUID id = UUID.randomUUID();
        update("INSERT INTO conversations (id, tenant_id, session_id, channel, customer_id, status, first_seq) "
                + "SELECT ?, ?, s.id, ?, s.customer_id, ?, ? FROM sessions s WHERE s.id = ?", id, tenant.value(),
                channel, ConversationStatus.BOT.wire(), firstSeq, sessionId);
        return one("c.id = ?", id).orElseThrow();
    }

    /** Moves a conversation to {@code status} with {@code assignee}, stamping the times the move means. */
    @Transactional(Transactional.TxType.MANDATORY)
    void move(UUID id, ConversationStatus status, UUID assignee) {
        update("UPDATE conversations SET status = ?, assignee_id = ?, last_activity_at = now(), "
                + "handed_off_at = CASE WHEN ? THEN now() ELSE handed_off_at END, "
                + "resolved_at = CASE WHEN ? THEN now() ELSE resolved_at END WHERE id = ?",
                status.wire(), assignee, status == ConversationStatus.PENDING, status == ConversationStatus.RESOLVED, id);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void firstHumanReply(UUID id) {
        update("UPDATE conversations SET first_human_reply_at = COALESCE(first_human_reply_at, now()) WHERE id = ?", id);
    }

    /** The session's newest conversation (the one its messages belong to, resolved or not). */
    @Transactional(Transactional.TxType.MANDATORY)
    Optional<UUID> latestOf(long sessionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM conversations WHERE session_id = ? ORDER BY first_seq DESC LIMIT 1")) {
            ps.setLong(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of((UUID) rs.getObject(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the conversations of session " + sessionId, e);
        }
    }

    @Transactional
    Optional<Found> find(UUID id) {
        return one("c.id = ?", id);
    }

    /** The inbox's order: pending first (the oldest wait on top), then open, bot and resolved, by last activity. */
    private static final List<ConversationStatus> INBOX_ORDER = List.of(ConversationStatus.PENDING,
            ConversationStatus.OPEN, ConversationStatus.BOT, ConversationStatus.RESOLVED);

    /**
     * A page of the tenant's conversations: pending first, oldest waiting on top, then the others by
     * last activity; after {@code offset}. Every status is read in the order of its own index and
     * only as far as the page reaches; without a status filter the statuses are concatenated in
     * inbox order, so no query sorts the tenant's rows.
     */
    @Transactional
    List<Conversation> inbox(ConversationStatus status, String assignee, UUID assigneeId, String channel, String q,
            int offset, int limit) {
        List<ConversationStatus> statuses = status == null ? INBOX_ORDER : List.of(status);
        StringBuilder sql = new StringBuilder();
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            ConversationStatus one = statuses.get(i);
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("(SELECT ").append(COLUMNS).append(", ").append(i).append(" AS part").append(FROM)
                    .append(" WHERE c.status = ?");
            args.add(one.wire());
            filters(sql, args, assignee, assigneeId, channel, q);
            // the oldest wait first for pending, the latest activity first for the others: each straight from an index
            sql.append(one == ConversationStatus.PENDING ? " ORDER BY c.handed_off_at, c.id"
                    : " ORDER BY c.last_activity_at DESC, c.id");
            sql.append(" LIMIT ?)");
            args.add(offset + limit);
        }
        String query = "SELECT * FROM (" + sql + ") inbox ORDER BY part, "
                + "CASE WHEN status = " + ConversationStatus.PENDING.literal() + " THEN handed_off_at END, "
                + "last_activity_at DESC, id OFFSET ? LIMIT ?";
        args.add(offset);
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Conversation> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(read(rs));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list conversations", e);
        }
    }

    private static void filters(StringBuilder sql, List<Object> args, String assignee, UUID assigneeId, String channel,
            String q) {
        if ("none".equals(assignee)) {
            sql.append(" AND c.assignee_id IS NULL");
        } else if (assigneeId != null) {
            sql.append(" AND c.assignee_id = ?");
            args.add(assigneeId);
        }
        if (channel != null) {
            sql.append(" AND c.channel = ?");
            args.add(channel);
        }
        if (q != null) {
            String like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            sql.append(" AND (cu.name ILIKE ? OR cu.phone LIKE ? OR EXISTS (SELECT 1 FROM events e "
                    + "WHERE e.session_id = c.session_id AND e.seq >= c.first_seq "
                    + "AND e.type IN ('user_message', 'assistant_message', 'agent_message') "
                    + "AND e.payload ->> 'text' ILIKE ?))");
            args.add(like);
            args.add(like);
            args.add(like);
        }
    }

    /** The seq after which the next conversation of the session starts, or none yet. */
    @Transactional
    Optional<Long> nextFirstSeq(long sessionId, long firstSeq) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT min(first_seq) FROM conversations WHERE session_id = ? AND first_seq > ?")) {
            ps.setLong(1, sessionId);
            ps.setLong(2, firstSeq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long next = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(next);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read conversations", e);
        }
    }

    private Optional<Found> one(String condition, Object key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + FROM + " WHERE " + condition)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Found(read(rs), rs.getLong(15))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a conversation", e);
        }
    }

    private static Conversation read(ResultSet rs) throws SQLException {
        return new Conversation((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), (UUID) rs.getObject(4),
                rs.getString(5), rs.getString(6), ConversationStatus.fromWire(rs.getString(7)), (UUID) rs.getObject(8),
                rs.getLong(9), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private void update(String sql, Object... args) {
        Jdbc.update(dataSource, "write a conversation", sql, args);
    }
}
