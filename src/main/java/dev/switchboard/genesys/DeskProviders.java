package dev.switchboard.genesys;

import dev.switchboard.desk.DeskAgent;
import dev.switchboard.desk.DeskAgents;
import dev.switchboard.ops.Invalidations;
import dev.switchboard.ops.NodeCache;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The {@code desk_providers} table: which desk each tenant uses. Every processed event of a tenant
 * asks whether its desk is Genesys, and every Genesys webhook looks its desk up, so both are cached
 * for a while, opened; a change clears the cache on every node ({@link NodeCache}).
 */
@ApplicationScoped
class DeskProviders {
    private static final String COLUMNS = "id, tenant_id, provider, region, integration_id, client_id, client_secret, "
            + "webhook_secret, agent_id";

    /**
     * A tenant's row: its id (the webhook path), provider, the stand-in agent once it ever used
     * Genesys, and the Genesys settings when that is its provider now.
     */
    record Setting(UUID id, TenantId tenant, DeskProvider provider, UUID agentId, Optional<GenesysDesk> genesys) {
    }

    private final DataSource dataSource;
    private final SecretBox secrets;
    private final DeskAgents agents;
    private final NodeCache<Object, Optional<Setting>> cache;

    DeskProviders(DataSource dataSource, SecretBox secrets, DeskAgents agents, Invalidations invalidations) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.agents = agents;
        this.cache = invalidations.cache("desk-providers", Duration.ofSeconds(30), 10_000);
    }

    /** Forgets cached settings on every node: called after a change commits. */
    void forget() {
        cache.invalidateEverywhere();
    }

    /** The tenant's Genesys desk, when that is its provider. */
    Optional<GenesysDesk> genesysOf(TenantId tenant) {
        return cached(tenant, () -> one("tenant_id = ?", tenant.value()), true).flatMap(Setting::genesys);
    }

    /** By the id in its webhook path; an unknown id is not remembered (anyone can make up ids). */
    Optional<GenesysDesk> genesysById(UUID id) {
        return cached(id, () -> one("id = ?", id), false).flatMap(Setting::genesys);
    }

    @Transactional
    Optional<Setting> ofTenant(TenantId tenant) {
        return one("tenant_id = ?", tenant.value());
    }

    /**
     * Makes {@code provider} the tenant's desk; for Genesys with these settings. The first switch to
     * Genesys creates the stand-in agent its people reply as.
     */
    @Transactional
    Setting save(TenantId tenant, DeskProvider provider, String region, String integrationId, String clientId,
            String clientSecret, String webhookSecret) {
        Optional<Setting> before = one("tenant_id = ?", tenant.value());
        UUID id = before.map(Setting::id).orElseGet(UUID::randomUUID);
        UUID agentId = before.map(Setting::agentId).orElse(null);
        if (provider == DeskProvider.GENESYS && agentId == null) {
            DeskAgent standIn = agents.createStandIn(tenant, "Genesys Cloud", "genesys-" + id + "@desk.invalid");
            agentId = standIn.id();
        }
        String sql = "INSERT INTO desk_providers (id, tenant_id, provider, region, integration_id, client_id, "
                + "client_secret, webhook_secret, agent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (tenant_id) DO UPDATE SET provider = EXCLUDED.provider, region = EXCLUDED.region, "
                + "integration_id = EXCLUDED.integration_id, client_id = EXCLUDED.client_id, "
                + "client_secret = EXCLUDED.client_secret, webhook_secret = EXCLUDED.webhook_secret, "
                + "agent_id = COALESCE(EXCLUDED.agent_id, desk_providers.agent_id), updated_at = now()";
        boolean genesys = provider == DeskProvider.GENESYS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            ps.setString(3, provider.wire());
            ps.setString(4, genesys ? region : null);
            ps.setString(5, genesys ? integrationId : null);
            ps.setString(6, genesys ? clientId : null);
            ps.setString(7, genesys ? seal(tenant, "client_secret", clientSecret) : null);
            ps.setString(8, genesys ? seal(tenant, "webhook_secret", webhookSecret) : null);
            ps.setObject(9, agentId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not save the desk of tenant " + tenant, e);
        }
        cache.invalidateEverywhere();
        return new Setting(id, tenant, provider, agentId, genesys ? Optional.of(new GenesysDesk(id, tenant, region,
                integrationId, clientId, clientSecret, webhookSecret, agentId)) : Optional.empty());
    }

    private Optional<Setting> cached(Object key, Supplier<Optional<Setting>> load, boolean rememberMisses) {
        return cache.get(key, load, loaded -> loaded.isPresent() || rememberMisses);
    }

    private Optional<Setting> one(String condition, Object key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM desk_providers WHERE " + condition)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                UUID id = (UUID) rs.getObject(1);
                TenantId tenant = new TenantId((UUID) rs.getObject(2));
                DeskProvider provider = DeskProvider.fromWire(rs.getString(3));
                UUID agentId = (UUID) rs.getObject(9);
                Optional<GenesysDesk> genesys = provider != DeskProvider.GENESYS ? Optional.empty()
                        : Optional.of(new GenesysDesk(id, tenant, rs.getString(4), rs.getString(5), rs.getString(6),
                                open(tenant, "client_secret", rs.getString(7)),
                                open(tenant, "webhook_secret", rs.getString(8)), agentId));
                return Optional.of(new Setting(id, tenant, provider, agentId, genesys));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a desk provider", e);
        }
    }

    private String seal(TenantId tenant, String column, String secret) {
        return secrets.seal(secret, "desk_providers:" + tenant + ":" + column);
    }

    private String open(TenantId tenant, String column, String sealed) {
        return secrets.open(sealed, "desk_providers:" + tenant + ":" + column);
    }
}
