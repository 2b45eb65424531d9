package dev.switchboard.tenants;

import dev.switchboard.ops.Invalidations;
import dev.switchboard.ops.NodeCache;
import dev.switchboard.ops.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants and their API keys: creation, rotation, revocation, and authentication of a presented key.
 * Authentication results are cached briefly so that the hot path (every WebSocket
 * upgrade, every REST call) does not pay a database round trip.
 */
@ApplicationScoped
public class TenantDirectory {
    private static final String KEY_PREFIX = "sb_";

    private final SecureRandom random = new SecureRandom();
    private final NodeCache<String, Optional<KeyMatch>> byHash;

    TenantDirectory(Invalidations invalidations) {
        this.byHash = invalidations.cache("api-keys", Duration.ofSeconds(30), 100_000);
    }

    public record CreatedKey(UUID id, String key) {
    }

    private record KeyMatch(UUID keyId, TenantId tenant, Instant keyExpiresAt) {
    }

    /** What the API shows of a key: never the key itself. */
    @RegisterForReflection
    public record KeyInfo(UUID id, String prefix, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
            Instant revokedAt) {
    }

    private final ConcurrentHashMap<UUID, Instant> lastUsed = new ConcurrentHashMap<>();

    @Transactional
    public Tenant createTenant(String name) {
        Tenant tenant = new Tenant();
        tenant.id = UUID.randomUUID();
        tenant.name = name;
        tenant.createdAt = Instant.now();
        tenant.persist();
        return tenant;
    }

    @Transactional
    public Optional<Tenant> findTenant(UUID id) {
        return Tenant.findByIdOptional(id);
    }

    /** The tenant named by an id from a URL; a 404 problem when it is malformed or unknown. */
    public TenantId requireTenant(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (findTenant(uuid).isPresent()) {
                return new TenantId(uuid);
            }
        } catch (IllegalArgumentException notAUuid) {
            // answered below
        }
        throw ProblemException.notFound("No tenant " + id + ".");
    }

    /** Creates a key for an existing tenant; the returned plain key is never stored. */
    @Transactional
    public CreatedKey createApiKey(UUID tenantId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String plain = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return storeKey(tenantId, plain);
    }

    /** Stores a caller-chosen key (the dev-mode demo key); idempotent. */
    @Transactional
    public CreatedKey storeKey(UUID tenantId, String plainKey) {
        String hash = KeyHash.of(plainKey);
        ApiKey existing = ApiKey.find("keyHash", hash).firstResult();
        if (existing != null) {
            return new CreatedKey(existing.id, plainKey);
        }
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.tenantId = tenantId;
        key.keyHash = hash;
        key.prefix = plainKey.substring(0, Math.min(10, plainKey.length()));
        key.createdAt = Instant.now();
        key.persist();
        byHash.invalidateEverywhere();
        return new CreatedKey(key.id, plainKey);
    }

    /** The tenant a presented API key belongs to, if the key is known, not revoked and not expired. */
    public Optional<TenantId> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 512) {
            return Optional.empty();
        }
        String hash = KeyHash.of(presentedKey);
        Instant now = Instant.now();
        Optional<KeyMatch> match = byHash.get(hash, () -> DatabaseScope.forAuthentication(() -> lookup(hash)))
                .filter(m -> m.keyExpiresAt() == null || m.keyExpiresAt().isAfter(now));
        match.ifPresent(m -> lastUsed.put(m.keyId(), now));
        return match.map(KeyMatch::tenant);
    }

    @Transactional
    Optional<KeyMatch> lookup(String hash) {
        return ApiKey.<ApiKey>find("keyHash = ?1 and revokedAt is null", hash)
                .firstResultOptional()
                .map(key -> new KeyMatch(key.id, new TenantId(key.tenantId), key.expiresAt));
    }

    @Transactional
    public List<KeyInfo> listKeys(UUID tenantId) {
        return ApiKey.<ApiKey>list("tenantId = ?1 order by createdAt", tenantId).stream()
                .map(k -> new KeyInfo(k.id, k.prefix, k.createdAt, k.lastUsedAt, k.expiresAt, k.revokedAt))
                .toList();
    }

    /** Revokes a key at once, on every node (whose caches forget it once this commits). */
    @Transactional
    public boolean revoke(UUID tenantId, UUID keyId) {
        ApiKey key = ApiKey.find("id = ?1 and tenantId = ?2", keyId, tenantId).firstResult();
        if (key == null) {
            return false;
        }
        if (key.revokedAt == null) {
            key.revokedAt = Instant.now();
        }
        byHash.invalidateEverywhere();
        return true;
    }

    /**
     * Issues a new key for the tenant and lets the old one work for {@code overlap} more, so that
     * clients can switch without downtime. Empty if the old key is unknown, revoked or expired.
     */
    @Transactional
    public Optional<CreatedKey> rotate(UUID tenantId, UUID keyId, Duration overlap) {
        ApiKey old = ApiKey.find("id = ?1 and tenantId = ?2", keyId, tenantId).firstResult();
        Instant now = Instant.now();
        if (old == null || !old.usableAt(now)) {
            return Optional.empty();
        }
        Instant end = now.plus(overlap);
        if (old.expiresAt == null || old.expiresAt.isAfter(end)) {
            old.expiresAt = end;
        }
        byHash.invalidateEverywhere();
        return Optional.of(createApiKey(tenantId));
    }

    /** Writes the last-use times gathered since the previous flush (kept off the request path). */
    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void flushLastUsed() {
        for (Map.Entry<UUID, Instant> use : Map.copyOf(lastUsed).entrySet()) {
            lastUsed.remove(use.getKey(), use.getValue());
            ApiKey.update("lastUsedAt = ?1 where id = ?2 and (lastUsedAt is null or lastUsedAt < ?1)",
                    use.getValue(), use.getKey());
        }
    }
}
