package dev.switchboard.analytics;

import dev.switchboard.conversations.ConversationStatus;
import dev.switchboard.storage.Jdbc;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** The per-conversation reporting rows: {@code report_conversations}, {@code report_replies}, {@code report_assignments}. */
@ApplicationScoped
class ReportStore {
    private final DataSource dataSource;

    ReportStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Map<UUID, ConversationReport> load(Collection<UUID> conversationIds) {
        Map<UUID, ConversationReport> found = new HashMap<>();
        if (conversationIds.isEmpty()) {
            return found;
        }
        String sql = """
                SELECT conversation_id, tenant_id, session_id, channel, created_at, status, status_since, assignee_id,
                       reached_person, handed_off_at, pending_since, first_response_at, first_response_ms,
                       first_responder_id, resolved_at, resolved_by_id, bot_ms, human_ms, waiting_since
                  FROM report_conversations WHERE conversation_id = ANY(?)""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(sql))) {
            ps.setArray(1, c.createArrayOf("uuid", conversationIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Instant> waiting = new ArrayList<>();
                    for (Object t : (Object[]) rs.getArray(19).getArray()) {
                        waiting.add(((Timestamp) t).toInstant());
                    }
                    ConversationReport r = new ConversationReport((UUID) rs.getObject(1),
                            new TenantId((UUID) rs.getObject(2)), rs.getLong(3), rs.getString(4), instant(rs, 5), waiting);
                    r.status = ConversationStatus.fromWire(rs.getString(6));
                    r.statusSince = instant(rs, 7);
                    r.assignee = (UUID) rs.getObject(8);
                    r.reachedPerson = rs.getBoolean(9);
                    r.handedOffAt = instant(rs, 10);
                    r.pendingSince = instant(rs, 11);
                    r.firstResponseAt = instant(rs, 12);
                    long ms = rs.getLong(13);
                    r.firstResponseMs = rs.wasNull() ? null : ms;
                    r.firstResponderId = (UUID) rs.getObject(14);
                    r.resolvedAt = instant(rs, 15);
                    r.resolvedById = (UUID) rs.getObject(16);
                    r.botMs = rs.getLong(17);
                    r.humanMs = rs.getLong(18);
                    found.put(r.conversationId, r);
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the reports of " + conversationIds.size() + " conversations",
                    e);
        }
    }

    /** Writes conversations' rows and the replies and assignments they measured: a round trip per table. */
    @Transactional(Transactional.TxType.MANDATORY)
    void write(Collection<ConversationReport> reports, List<ConversationReport.Reply> replies,
            List<ConversationReport.Assignment> assignments) {
        save(reports);
        addReplies(replies);
        addAssignments(assignments);
    }

    /** Writes the rows, new or changed, in one round trip. */
    private void save(Collection<ConversationReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        String sql = """
                INSERT INTO report_conversations (conversation_id, tenant_id, session_id, channel, created_at, status,
                       status_since, assignee_id, reached_person, handed_off_at, pending_since, first_response_at,
                       first_response_ms, first_responder_id, resolved_at, resolved_by_id, bot_ms, human_ms,
                       waiting_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET status = EXCLUDED.status,
                       status_since = EXCLUDED.status_since, assignee_id = EXCLUDED.assignee_id,
                       reached_person = EXCLUDED.reached_person, handed_off_at = EXCLUDED.handed_off_at,
                       pending_since = EXCLUDED.pending_since, first_response_at = EXCLUDED.first_response_at,
                       first_response_ms = EXCLUDED.first_response_ms, first_responder_id = EXCLUDED.first_responder_id,
                       resolved_at = EXCLUDED.resolved_at, resolved_by_id = EXCLUDED.resolved_by_id,
                       bot_ms = EXCLUDED.bot_ms, human_ms = EXCLUDED.human_ms, waiting_since = EXCLUDED.waiting_since""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (ConversationReport r : reports) {
                ps.setObject(1, r.conversationId);
                ps.setObject(2, r.tenant.value());
                ps.setLong(3, r.sessionId);
                ps.setString(4, r.channel);
                ps.setTimestamp(5, timestamp(r.createdAt));
                ps.setString(6, r.status.wire());
                ps.setTimestamp(7, timestamp(r.statusSince));
                ps.setObject(8, r.assignee);
                ps.setBoolean(9, r.reachedPerson);
                ps.setTimestamp(10, timestamp(r.handedOffAt));
                ps.setTimestamp(11, timestamp(r.pendingSince));
                ps.setTimestamp(12, timestamp(r.firstResponseAt));
                if (r.firstResponseMs == null) {
                    ps.setNull(13, Types.BIGINT);
                } else {
                    ps.setLong(13, r.firstResponseMs);
                }
                ps.setObject(14, r.firstResponderId);
                ps.setTimestamp(15, timestamp(r.resolvedAt));
                ps.setObject(16, r.resolvedById);
                ps.setLong(17, r.botMs);
                ps.setLong(18, r.humanMs);
                Array waiting = c.createArrayOf("timestamptz",
                        r.waitingSince.stream().map(ReportStore::timestamp).toArray());
                ps.setArray(19, waiting);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the reports of " + reports.size() + " conversations", e);
        }
    }

    private void addReplies(List<ConversationReport.Reply> replies) {
        batch("INSERT INTO report_replies (tenant_id, conversation_id, session_id, channel, agent_id, asked_at, "
                + "answered_at, reply_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", replies, (ps, r) -> {
                    ps.setObject(1, r.of().tenant.value());
                    ps.setObject(2, r.of().conversationId);
                    ps.setLong(3, r.of().sessionId);
                    ps.setString(4, r.of().channel);
                    ps.setObject(5, r.agentId());
                    ps.setTimestamp(6, timestamp(r.askedAt()));
                    ps.setTimestamp(7, timestamp(r.answeredAt()));
                    ps.setLong(8, r.replyMs());
                });
    }

    private void addAssignments(List<ConversationReport.Assignment> assignments) {
        batch("INSERT INTO report_assignments (tenant_id, conversation_id, session_id, channel, agent_id, assigned_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", assignments, (ps, a) -> {
                    ps.setObject(1, a.of().tenant.value());
                    ps.setObject(2, a.of().conversationId);
                    ps.setLong(3, a.of().sessionId);
                    ps.setString(4, a.of().channel);
                    ps.setObject(5, a.agentId());
                    ps.setTimestamp(6, timestamp(a.at()));
                });
    }

    /** Removes every reporting row of these sessions (the rebuild writes them anew). */
    @Transactional(Transactional.TxType.MANDATORY)
    void forget(long[] sessionIds) {
        for (String table : List.of("report_conversations", "report_replies", "report_assignments")) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(
                            "DELETE FROM " + table + " WHERE session_id = ANY(?)"))) {
                ps.setArray(1, c.createArrayOf("bigint", java.util.Arrays.stream(sessionIds).boxed().toArray()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("could not clear " + table, e);
            }
        }
    }

    private interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private <T> void batch(String sql, List<T> rows, Binder<T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write " + rows.size() + " reporting rows", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
