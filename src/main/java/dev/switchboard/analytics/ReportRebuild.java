package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.conversations.ConversationFact;
import dev.switchboard.conversations.ConversationStatus;
import dev.switchboard.events.EventTypes;
import dev.switchboard.storage.Jdbc;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Recomputes a tenant's reporting data from its log (after a definition changed, or after an
 * upgrade), without stopping live traffic:
 * <ul>
 * <li>conversations, a batch of sessions per transaction: the sessions' rows are locked (the lock
 * every writer of their conversations takes first), their facts read back from the log in the
 * order they happened, and their reporting rows written anew;</li>
 * <li>counts in one statement, which reads the log and the current counts at one snapshot and
 * queues the difference as deltas: changes committed meanwhile are deltas of their own and add up.</li>
 * </ul>
 * It counts what the log still holds: events removed by retention no longer count after a rebuild.
 */
@ApplicationScoped
class ReportRebuild {
    private static final String FACT_TYPES = "('" + EventTypes.USER_MESSAGE + "', '" + EventTypes.AGENT_MESSAGE + "', '"
            + EventTypes.CONVERSATION_CHANGED + "')";

    private final DataSource dataSource;
    private final ReportStore store;
    private final ObjectMapper mapper;
    private final int batchSize;

    ReportRebuild(DataSource dataSource, ReportStore store, ObjectMapper mapper, AnalyticsConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.mapper = mapper;
        this.batchSize = config.rebuildBatch();
    }

    /** What a rebuild went through. */
    record Result(int sessions, int conversations, long countsCorrected) {
    }

    Result rebuild(TenantId tenant) {
        long after = 0;
        int sessions = 0;
        int conversations = 0;
        while (true) {
            long from = after;
            long[] batch = QuarkusTransaction.requiringNew().call(() -> nextSessions(tenant, from));
            if (batch.length == 0) {
                break;
            }
            conversations += QuarkusTransaction.requiringNew().call(() -> rebuildSessions(tenant, batch));
            sessions += batch.length;
            after = batch[batch.length - 1];
        }
        long corrected = QuarkusTransaction.requiringNew().call(() -> correctCounts(tenant));
        return new Result(sessions, conversations, corrected);
    }

    private long[] nextSessions(TenantId tenant, long after) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM sessions WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?")) {
            ps.setObject(1, tenant.value());
            ps.setLong(2, after);
            ps.setInt(3, batchSize);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private record Known(UUID id, long sessionId, String channel, long firstSeq) {
    }

    private record Timed(ConversationFact fact, int rank, long seq) {
    }

    private int rebuildSessions(TenantId tenant, long[] sessionIds) throws SQLException, IOException {
        lock(sessionIds);
        Map<Long, List<Known>> bySession = new HashMap<>();
        Map<UUID, Known> byId = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                "SELECT id, session_id, channel, first_seq FROM conversations WHERE session_id = ANY(?) "
                        + "ORDER BY session_id, first_seq"))) {
            ps.setArray(1, c.createArrayOf("bigint", boxed(sessionIds)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Known known = new Known((UUID) rs.getObject(1), rs.getLong(2), rs.getString(3), rs.getLong(4));
                    bySession.computeIfAbsent(known.sessionId(), s -> new ArrayList<>()).add(known);
                    byId.put(known.id(), known);
                }
            }
        }
        Map<UUID, List<Timed>> facts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                "SELECT session_id, seq, type, payload::text, created_at FROM events WHERE session_id = ANY(?) "
                        + "AND type IN " + FACT_TYPES + " ORDER BY session_id, seq"))) {
            ps.setArray(1, c.createArrayOf("bigint", boxed(sessionIds)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long sessionId = rs.getLong(1);
                    long seq = rs.getLong(2);
                    String type = rs.getString(3);
                    JsonNode payload = mapper.readTree(rs.getString(4));
                    Instant createdAt = rs.getTimestamp(5).toInstant();
                    Timed timed = fact(tenant, sessionId, seq, type, payload, createdAt, bySession, byId);
                    if (timed != null) {
                        facts.computeIfAbsent(timed.fact().conversationId(), id -> new ArrayList<>()).add(timed);
                    }
                }
            }
        }
        List<ConversationReport> reports = new ArrayList<>();
        List<ConversationReport.Reply> replies = new ArrayList<>();
        List<ConversationReport.Assignment> assignments = new ArrayList<>();
        Comparator<Timed> happened = Comparator.comparing((Timed t) -> t.fact().at()).thenComparingInt(Timed::rank)
                .thenComparingLong(Timed::seq);
        for (List<Timed> ofConversation : facts.values()) {
            ofConversation.sort(happened);
            ConversationReport report = null;
            for (Timed timed : ofConversation) {
                if (timed.fact() instanceof ConversationFact.Started started) {
                    report = report == null ? ConversationReport.started(started) : report;
                } else if (report != null) {
                    report.apply(timed.fact(), replies, assignments);
                }
            }
            if (report != null) {
                reports.add(report);
            }
        }
        store.forget(sessionIds);
        store.write(reports, replies, assignments);
        return reports.size();
    }

    /** The fact an event of the log stands for, or null; ranked so that same-instant facts apply as they did live. */
    private static Timed fact(TenantId tenant, long sessionId, long seq, String type, JsonNode payload,
            Instant createdAt, Map<Long, List<Known>> bySession, Map<UUID, Known> byId) {
        if (EventTypes.CONVERSATION_CHANGED.equals(type)) {
            Known known = byId.get(uuid(payload.path("conversationId").asText(null)));
            if (known == null) {
                return null;
            }
            Instant at = payload.hasNonNull("at") ? Instant.parse(payload.path("at").asText()) : createdAt;
            if (!payload.has("from")) {
                return new Timed(new ConversationFact.Started(tenant, sessionId, known.id(), known.channel(), at), 0, seq);
            }
            return new Timed(new ConversationFact.Moved(tenant, sessionId, known.id(),
                    ConversationStatus.fromWire(payload.path("to").asText()),
                    uuid(payload.path("assigneeId").asText(null)), at), 2, seq);
        }
        Known known = null;
        for (Known candidate : bySession.getOrDefault(sessionId, List.of())) {
            if (candidate.firstSeq() <= seq) {
                known = candidate;
            }
        }
        if (known == null) {
            return null;
        }
        if (EventTypes.USER_MESSAGE.equals(type)) {
            return new Timed(new ConversationFact.CustomerWrote(tenant, sessionId, known.id(), seq, null, createdAt), 1, seq);
        }
        String meant = payload.path("conversationId").asText(null);
        UUID agent = uuid(payload.path("agentId").asText(null));
        if (agent == null || (meant != null && !meant.equals(known.id().toString()))) {
            return null; // queued for an episode that had ended: processing ignored it too
        }
        return new Timed(new ConversationFact.AgentReplied(tenant, sessionId, known.id(), agent, createdAt), 1, seq);
    }

    /** Locks the sessions in the order every writer locks sessions in (SessionAddress.LOCK_ORDER). */
    private void lock(long[] sessionIds) throws SQLException {
        record Row(long id, String channel, String key) {
        }
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                "SELECT id, channel, external_key FROM sessions WHERE id = ANY(?)"))) {
            ps.setArray(1, c.createArrayOf("bigint", boxed(sessionIds)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        rows.sort(Comparator.comparing(Row::channel).thenComparing(Row::key));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                "SELECT s.id FROM unnest(?::bigint[]) WITH ORDINALITY AS u(id, position) JOIN sessions s ON s.id = u.id "
                        + "ORDER BY u.position FOR UPDATE OF s"))) {
            ps.setArray(1, c.createArrayOf("bigint", rows.stream().map(Row::id).toArray()));
            ps.executeQuery().close();
        }
    }

    /** Queues, as deltas, the difference between the counts the log gives and the counts kept, at one snapshot. */
    private long correctCounts(TenantId tenant) throws SQLException {
        String sql = """
                WITH truth AS (SELECT metric, bucket, channel, dim, n FROM report_counts_truth(?::uuid)),
                kept AS (
                    SELECT metric, bucket, channel, dim, sum(n) AS n FROM (
                        SELECT metric, bucket, channel, dim, n FROM report_counts WHERE tenant_id = ?
                        UNION ALL
                        SELECT metric, bucket, channel, dim, n FROM report_count_deltas WHERE tenant_id = ?) k
                     GROUP BY 1, 2, 3, 4
                )
                INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
                SELECT ?, metric, bucket, channel, dim, coalesce(truth.n, 0) - coalesce(kept.n, 0)
                  FROM truth FULL JOIN kept USING (metric, bucket, channel, dim)
                 WHERE coalesce(truth.n, 0) <> coalesce(kept.n, 0)""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setObject(i, tenant.value());
            }
            return ps.executeUpdate();
        }
    }

    private static Object[] boxed(long[] ids) {
        return java.util.Arrays.stream(ids).boxed().toArray();
    }

    private static UUID uuid(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
