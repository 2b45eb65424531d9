package dev.switchboard.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** The {@code idempotency_keys} table. */
@ApplicationScoped
class IdempotencyStore {
    private static final String IN_PROGRESS = IdempotencyKeyStatus.IN_PROGRESS.literal();
    private static final String COMPLETED = IdempotencyKeyStatus.COMPLETED.literal();
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final SecretBox secrets;

    IdempotencyStore(DataSource dataSource, ObjectMapper mapper, SecretBox secrets) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.secrets = secrets;
    }

    /**
     * Claims a key for {@code owner}: a new key, an expired one, or one whose holder stopped
     * renewing (crashed) with the same fingerprint. Otherwise reports what holds it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    Claim claim(UUID scope, String key, String fingerprint, UUID owner, Duration lock, Duration ttl) {
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 3; attempt++) {
                if (insert(c, scope, key, fingerprint, owner, lock, ttl) || takeOver(c, scope, key, fingerprint, owner,
                        lock, ttl)) {
                    return new Claim.Owned();
                }
                Claim existing = existing(c, scope, key, fingerprint);
                if (existing != null) {
                    return existing;
                }
            }
            return new Claim.InProgress();
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim idempotency key", e);
        }
    }

    private boolean insert(Connection c, UUID scope, String key, String fingerprint, UUID owner, Duration lock,
            Duration ttl) throws SQLException {
        String sql = """
                INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status, owner, locked_until, expires_at)
                VALUES (?, ?, ?, %s, ?, now() + ? * interval '1 millisecond', now() + ? * interval '1 millisecond')
                ON CONFLICT (tenant_id, key) DO NOTHING""".formatted(IN_PROGRESS);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, scope);
            ps.setString(2, key);
            ps.setString(3, fingerprint);
            ps.setObject(4, owner);
            ps.setLong(5, lock.toMillis());
            ps.setLong(6, ttl.toMillis());
            return ps.executeUpdate() == 1;
        }
    }

    private boolean takeOver(Connection c, UUID scope, String key, String fingerprint, UUID owner, Duration lock,
            Duration ttl) throws SQLException {
        String sql = """
                UPDATE idempotency_keys
                   SET fingerprint = ?, status = %1$s, owner = ?, created_at = now(),
                       locked_until = now() + ? * interval '1 millisecond',
                       expires_at = now() + ? * interval '1 millisecond',
                       response_status = NULL, response_headers = NULL, response_body = NULL
                 WHERE tenant_id = ? AND key = ?
                   AND (expires_at <= now()
                        OR (status = %1$s AND locked_until <= now() AND fingerprint = ?))""".formatted(IN_PROGRESS);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, fingerprint);
            ps.setObject(2, owner);
            ps.setLong(3, lock.toMillis());
            ps.setLong(4, ttl.toMillis());
            ps.setObject(5, scope);
            ps.setString(6, key);
            ps.setString(7, fingerprint);
            return ps.executeUpdate() == 1;
        }
    }

    private Claim existing(Connection c, UUID scope, String key, String fingerprint) throws SQLException {
        String sql = """
                SELECT fingerprint, status, response_status, response_headers::text, response_body
                  FROM idempotency_keys WHERE tenant_id = ? AND key = ?""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!fingerprint.equals(rs.getString(1))) {
                    return new Claim.Mismatch();
                }
                if (IdempotencyKeyStatus.IN_PROGRESS.wire().equals(rs.getString(2))) {
                    return new Claim.InProgress();
                }
                return new Claim.Completed(new StoredResponse(rs.getInt(3), parse(rs.getString(4)),
                        secrets.openBytes(rs.getBytes(5), context(scope, key))));
            }
        }
    }

    /** Stores the response in the caller's transaction, beside the command's own writes. */
    @Transactional(Transactional.TxType.MANDATORY)
    boolean complete(UUID scope, String key, UUID owner, StoredResponse response) {
        String sql = """
                UPDATE idempotency_keys
                   SET status = %s, owner = NULL, locked_until = NULL,
                       response_status = ?, response_headers = ?::jsonb, response_body = ?
                 WHERE tenant_id = ? AND key = ? AND owner = ? AND status = %s""".formatted(COMPLETED, IN_PROGRESS);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, response.status());
            ps.setString(2, mapper.writeValueAsString(response.headers()));
            // a response may carry a secret shown once (a new API key, an agent token): sealed at rest
            ps.setBytes(3, secrets.sealBytes(response.body(), context(scope, key)));
            ps.setObject(4, scope);
            ps.setString(5, key);
            ps.setObject(6, owner);
            return ps.executeUpdate() == 1;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not store the idempotent response", e);
        }
    }

    private static String context(UUID scope, String key) {
        return "idempotency_keys.response_body:" + scope + ":" + key;
    }

    /** Frees a key whose request failed with a server error, so that a retry executes. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void release(UUID scope, String key, UUID owner) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND owner = ?")) {
            ps.setObject(1, scope);
            ps.setString(2, key);
            ps.setObject(3, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not release idempotency key", e);
        }
    }

    /** Deletes up to {@code limit} expired keys; returns how many. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int purgeExpired(int limit) {
        String sql = """
                DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT ?))""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not purge idempotency keys", e);
        }
    }

    @Transactional
    long active() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM idempotency_keys WHERE expires_at > now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count idempotency keys", e);
        }
    }

    private Map<String, String> parse(String json) {
        try {
            return json == null ? Map.of() : mapper.readValue(json, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored response headers are not JSON", e);
        }
    }
}
