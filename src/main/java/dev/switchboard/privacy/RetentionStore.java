package dev.switchboard.privacy;

import dev.switchboard.events.EventTypes;
import dev.switchboard.idempotency.IdempotencyKeyStatus;
import dev.switchboard.outbox.EffectStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The {@code retention_policies} table, and the batched deletes that enforce it. */
@ApplicationScoped
class RetentionStore {
    private final DataSource dataSource;

    RetentionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Transactional
    void save(UUID tenant, RetentionPolicy policy) {
        String sql = """
                INSERT INTO retention_policies (tenant_id, events_days, effects_days, idempotency_days)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET events_days = EXCLUDED.events_days,
                       effects_days = EXCLUDED.effects_days, idempotency_days = EXCLUDED.idempotency_days,
                       updated_at = now()""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            setDays(ps, 2, policy.eventsDays());
            setDays(ps, 3, policy.effectsDays());
            setDays(ps, 4, policy.idempotencyKeysDays());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not save the retention policy of " + tenant, e);
        }
    }

    @Transactional
    Optional<RetentionPolicy> find(UUID tenant) {
        return all(tenant).values().stream().findFirst();
    }

    /** Every tenant's policy ({@code only} narrows it to one tenant). */
    @Transactional
    Map<UUID, RetentionPolicy> all(UUID only) {
        String sql = "SELECT tenant_id, events_days, effects_days, idempotency_days FROM retention_policies"
                + (only == null ? "" : " WHERE tenant_id = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (only != null) {
                ps.setObject(1, only);
            }
            Map<UUID, RetentionPolicy> policies = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    policies.put((UUID) rs.getObject(1), new RetentionPolicy((Integer) rs.getObject(2),
                            (Integer) rs.getObject(3), (Integer) rs.getObject(4)));
                }
            }
            return policies;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read retention policies", e);
        }
    }

    /**
     * Deletes up to {@code limit} of the tenant's rows older than {@code days}, in its own short
     * transaction; returns how many. Inbound events are deleted only once processed (never an accepted
     * but unprocessed message), effects only once settled: sent, dead, discarded, or still awaiting a
     * web client that never came back (its reply would be as old as the retention period).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int deleteBatch(String table, UUID tenant, int days, int limit) {
        String sql = "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY(" + candidates(table) + "))";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            ps.setInt(2, days);
            ps.setInt(3, limit);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not apply retention to " + table + " of " + tenant, e);
        }
    }

    /**
     * The rows of a tenant ({@code ?} 1) older than {@code ?} 2 days that retention may delete, at most
     * {@code ?} 3; each is found by an index (RetentionPlanTest), not by a scan of the table.
     */
    static String candidates(String table) {
        return switch (table) {
            case "events" -> """
                    SELECT e.ctid FROM events e JOIN sessions s ON s.id = e.session_id
                     WHERE e.tenant_id = ? AND e.created_at < now() - ? * interval '1 day'
                       AND (e.type NOT IN %s OR e.seq <= s.processed_seq)
                     LIMIT ?""".formatted(EventTypes.INBOUND_SQL); // an inbound event stays until processed
            case "effects" -> """
                    SELECT ctid FROM effects WHERE tenant_id = ? AND created_at < now() - ? * interval '1 day'
                       AND status IN %s LIMIT ?""".formatted(EffectStatus.SETTLED_SQL);
            case "idempotency_keys" -> """
                    SELECT ctid FROM idempotency_keys WHERE tenant_id = ? AND created_at < now() - ? * interval '1 day'
                       AND status = %s LIMIT ?""".formatted(IdempotencyKeyStatus.COMPLETED.literal());
            default -> throw new IllegalArgumentException(table);
        };
    }

    private static void setDays(PreparedStatement ps, int index, Integer days) throws SQLException {
        if (days == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, days);
        }
    }
}
