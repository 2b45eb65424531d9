package dev.switchboard.channels.whatsapp;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The {@code whatsapp_channels} table. Secrets are sealed with {@link SecretBox}, bound to the
 * channel's tenant and column, so a ciphertext moved to another row does not open.
 */
@ApplicationScoped
class WhatsAppChannels {
    private static final String COLUMNS = "id, tenant_id, phone_number_id, access_token, app_secret, verify_token, "
            + "mark_read, send_rate";

    /** Thrown when the phone number id belongs to a channel already. */
    static final class PhoneNumberTaken extends RuntimeException {
        PhoneNumberTaken() {
            super("phone number id taken", null, false, false);
        }
    }

    /**
     * Every webhook and every send looks its channel up: kept for a few seconds, opened, so that the hot
     * path costs no query and no decryption. A change clears it on every node ({@link NodeCache}).
     */
    private final DataSource dataSource;
    private final SecretBox secrets;
    private final NodeCache<Object, Optional<WhatsAppChannel>> cache;

    WhatsAppChannels(DataSource dataSource, SecretBox secrets, Invalidations invalidations) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.cache = invalidations.cache("whatsapp-channels", Duration.ofSeconds(30), 10_000);
    }

    /** Forgets cached channels on every node: called after a change commits. */
    void forget() {
        cache.invalidateEverywhere();
    }

    /** By the id in its webhook path (public webhooks see every tenant's channels). */
    Optional<WhatsAppChannel> cachedById(UUID id) {
        return cached(id, () -> byId(id));
    }

    /** By the phone number Meta names and the sender sends from. */
    Optional<WhatsAppChannel> cachedByPhoneNumberId(String phoneNumberId) {
        return cached("pn:" + phoneNumberId, () -> byPhoneNumberId(phoneNumberId));
    }

    private Optional<WhatsAppChannel> cached(Object key, Supplier<Optional<WhatsAppChannel>> load) {
        return cache.get(key, load);
    }

    @Transactional
    WhatsAppChannel create(TenantId tenant, String phoneNumberId, String accessToken, String appSecret,
            String verifyToken, boolean markRead, int sendRate) {
        UUID id = UUID.randomUUID();
        String sql = "INSERT INTO whatsapp_channels (id, tenant_id, phone_number_id, access_token, app_secret, "
                + "verify_token, mark_read, send_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            ps.setString(3, phoneNumberId);
            ps.setString(4, seal(tenant, "access_token", accessToken));
            ps.setString(5, seal(tenant, "app_secret", appSecret));
            ps.setString(6, seal(tenant, "verify_token", verifyToken));
            ps.setBoolean(7, markRead);
            ps.setInt(8, sendRate);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw uniqueOr(e, "could not create a WhatsApp channel");
        }
        cache.invalidateEverywhere();
        return new WhatsAppChannel(id, tenant, phoneNumberId, accessToken, appSecret, verifyToken, markRead, sendRate);
    }

    /** Replaces what is given (null keeps a value); empty when the tenant has no such channel. */
    @Transactional
    Optional<WhatsAppChannel> update(TenantId tenant, UUID id, String accessToken, String appSecret,
            String verifyToken, Boolean markRead, Integer sendRate) {
        String sql = "UPDATE whatsapp_channels SET access_token = COALESCE(?, access_token), "
                + "app_secret = COALESCE(?, app_secret), verify_token = COALESCE(?, verify_token), "
                + "mark_read = COALESCE(?, mark_read), send_rate = COALESCE(?, send_rate), updated_at = now() "
                + "WHERE id = ? AND tenant_id = ? RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accessToken == null ? null : seal(tenant, "access_token", accessToken));
            ps.setString(2, appSecret == null ? null : seal(tenant, "app_secret", appSecret));
            ps.setString(3, verifyToken == null ? null : seal(tenant, "verify_token", verifyToken));
            ps.setObject(4, markRead);
            ps.setObject(5, sendRate);
            ps.setObject(6, id);
            ps.setObject(7, tenant.value());
            return first(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not update WhatsApp channel " + id, e);
        }
    }

    @Transactional
    boolean delete(TenantId tenant, UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM whatsapp_channels WHERE id = ? AND tenant_id = ?")) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete WhatsApp channel " + id, e);
        }
    }

    @Transactional
    List<WhatsAppChannel> ofTenant(TenantId tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM whatsapp_channels WHERE tenant_id = ? ORDER BY created_at, id")) {
            ps.setObject(1, tenant.value());
            return readAll(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list WhatsApp channels", e);
        }
    }

    /** By the id in its webhook path. Callers outside a tenant's request (the public webhook) see every tenant's. */
    @Transactional
    Optional<WhatsAppChannel> byId(UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM whatsapp_channels WHERE id = ?")) {
            ps.setObject(1, id);
            return first(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read WhatsApp channel " + id, e);
        }
    }

    /** By the phone number Meta names in payloads and the sender sends from. */
    @Transactional
    Optional<WhatsAppChannel> byPhoneNumberId(String phoneNumberId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM whatsapp_channels WHERE phone_number_id = ?")) {
            ps.setString(1, phoneNumberId);
            return first(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a WhatsApp channel", e);
        }
    }

    private Optional<WhatsAppChannel> first(PreparedStatement ps) throws SQLException {
        List<WhatsAppChannel> all = readAll(ps);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private List<WhatsAppChannel> readAll(PreparedStatement ps) throws SQLException {
        List<WhatsAppChannel> channels = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TenantId tenant = new TenantId((UUID) rs.getObject(2));
                channels.add(new WhatsAppChannel((UUID) rs.getObject(1), tenant, rs.getString(3),
                        secrets.open(rs.getString(4), context(tenant, "access_token")),
                        secrets.open(rs.getString(5), context(tenant, "app_secret")),
                        secrets.open(rs.getString(6), context(tenant, "verify_token")),
                        rs.getBoolean(7), rs.getInt(8)));
            }
        }
        return channels;
    }

    private String seal(TenantId tenant, String column, String secret) {
        return secrets.seal(secret, context(tenant, column));
    }

    private static String context(TenantId tenant, String column) {
        return "whatsapp_channels." + column + ":" + tenant;
    }

    private static RuntimeException uniqueOr(SQLException e, String message) {
        if ("23505".equals(e.getSQLState())) {
            return new PhoneNumberTaken();
        }
        return new IllegalStateException(message, e);
    }
}
