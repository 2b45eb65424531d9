package dev.switchboard.desk;

import dev.switchboard.ops.Invalidations;
import dev.switchboard.ops.NodeCache;
import dev.switchboard.tenants.KeyHash;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code agents} table. A token is shown once and stored as its SHA-256; a deactivated agent's
 * token stops working at once on every node: its deactivation is announced ({@link Invalidations}),
 * which empties the token cache everywhere and closes the agent's desk sockets on every node.
 */
@ApplicationScoped
public class DeskAgents {
    static final String TOKEN_PREFIX = "sba_";
    static final String CACHE = "agent-tokens";

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();
    private final NodeCache<String, Optional<DeskAgent>> byTokenHash;
    private final Invalidations invalidations;

    DeskAgents(DataSource dataSource, Invalidations invalidations) {
        this.dataSource = dataSource;
        this.invalidations = invalidations;
        this.byTokenHash = invalidations.cache(CACHE, Duration.ofSeconds(30), 100_000);
    }

    /** Thrown when the email belongs to another agent of the tenant. */
    static final class EmailTaken extends RuntimeException {
        EmailTaken() {
            super("email taken", null, false, false);
        }
    }

    @RegisterForReflection
    public record AgentInfo(UUID id, String name, String email, Instant createdAt, Instant deactivatedAt) {
    }

    record Created(DeskAgent agent, String token) {
    }

    @Transactional
    Created create(TenantId tenant, String name, String email) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO agents (id, tenant_id, name, email, token_hash) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            ps.setString(3, name);
            ps.setString(4, email);
            ps.setString(5, KeyHash.of(token));
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new EmailTaken();
            }
            throw new IllegalStateException("could not create an agent", e);
        }
        return new Created(new DeskAgent(id, tenant, name, email), token);
    }

    /**
     * An agent that stands for the people of an outside desk (Genesys Cloud): their replies are
     * recorded as its, for the conversation's assignee and the analytics. Nobody can sign in as it:
     * its token is never shown, and it is deactivated at once.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public DeskAgent createStandIn(TenantId tenant, String name, String email) {
        DeskAgent agent = create(tenant, name, email).agent();
        deactivate(tenant, agent.id());
        return agent;
    }

    @Transactional
    List<AgentInfo> ofTenant(TenantId tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, email, created_at, deactivated_at FROM agents WHERE tenant_id = ? "
                        + "ORDER BY created_at, id")) {
            ps.setObject(1, tenant.value());
            List<AgentInfo> agents = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp off = rs.getTimestamp(5);
                    agents.add(new AgentInfo((UUID) rs.getObject(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), off == null ? null : off.toInstant()));
                }
            }
            return agents;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list agents", e);
        }
    }

    /** Deactivates an active agent of the tenant; false when there is none. */
    @Transactional
    boolean deactivate(TenantId tenant, UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE agents SET deactivated_at = now() WHERE id = ? AND tenant_id = ? AND deactivated_at IS NULL")) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            boolean deactivated = ps.executeUpdate() == 1;
            if (deactivated) {
                invalidations.announce(CACHE, id.toString());
            }
            return deactivated;
        } catch (SQLException e) {
            throw new IllegalStateException("could not deactivate agent " + id, e);
        }
    }

    /** The active agent a token belongs to (unknown tokens are not remembered: they may be guesses). */
    Optional<DeskAgent> byToken(String token) {
        String hash = KeyHash.of(token);
        return byTokenHash.get(hash, () -> QuarkusTransaction.joiningExisting().call(() -> one("token_hash = ?", hash)),
                Optional::isPresent);
    }

    /** An active agent of the current tenant (row-level security keeps it to the request's tenant). */
    @Transactional
    public Optional<DeskAgent> active(UUID id) {
        return one("id = ?", id);
    }

    private Optional<DeskAgent> one(String condition, Object key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, tenant_id, name, email FROM agents WHERE " + condition + " AND deactivated_at IS NULL")) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new DeskAgent((UUID) rs.getObject(1),
                        new TenantId((UUID) rs.getObject(2)), rs.getString(3), rs.getString(4))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read an agent", e);
        }
    }
}
