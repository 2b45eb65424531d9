package dev.switchboard.genesys;

import dev.switchboard.storage.Jdbc;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The {@code genesys_conversations} table: which Genesys conversation a handed-off conversation became. */
@ApplicationScoped
class GenesysConversations {
    /** One mapping that neither side has ended. */
    record Open(String genesysId, TenantId tenant, long sessionId, UUID conversationId) {
    }

    private final DataSource dataSource;

    GenesysConversations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records the Genesys id of the session's conversation; a repeat of a known id changes nothing. */
    @Transactional
    void record(String genesysId, TenantId tenant, long sessionId, UUID conversationId) {
        Jdbc.update(dataSource, "record a Genesys conversation", "INSERT INTO genesys_conversations "
                + "(genesys_conversation_id, tenant_id, session_id, conversation_id) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", genesysId, tenant.value(), sessionId, conversationId);
    }

    /** The session's Genesys conversation that is still open, the newest when there are several. */
    @Transactional
    Optional<Open> openOf(long sessionId) {
        List<Open> found = query("WHERE session_id = ? AND ended_at IS NULL ORDER BY created_at DESC LIMIT 1",
                sessionId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Open mappings of every tenant (the end check runs on the system path), the least recently checked first. */
    @Transactional
    List<Open> toCheck(int limit) {
        return query("WHERE ended_at IS NULL ORDER BY checked_at NULLS FIRST, created_at LIMIT ?", limit);
    }

    /** The end check looked at it (whatever it found): its turn comes again after the others'. */
    @Transactional
    void checked(String genesysId) {
        Jdbc.update(dataSource, "record an end check",
                "UPDATE genesys_conversations SET checked_at = now() WHERE genesys_conversation_id = ?", genesysId);
    }

    @Transactional
    void ended(String genesysId) {
        Jdbc.update(dataSource, "end a Genesys conversation", "UPDATE genesys_conversations SET ended_at = now() "
                + "WHERE genesys_conversation_id = ? AND ended_at IS NULL", genesysId);
    }

    private List<Open> query(String where, Object arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT genesys_conversation_id, tenant_id, session_id, conversation_id FROM genesys_conversations "
                        + where)) {
            ps.setObject(1, arg);
            List<Open> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Open(rs.getString(1), new TenantId((UUID) rs.getObject(2)), rs.getLong(3),
                            (UUID) rs.getObject(4)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read Genesys conversations", e);
        }
    }
}
