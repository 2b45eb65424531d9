package dev.switchboard.tenants;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants and their API keys: creation, and authentication of a presented key.
 * Authentication results are cached briefly so that the hot path (every WebSocket
 * upgrade, every REST call) does not pay a database round trip.
 */
@ApplicationScoped
public class TenantDirectory {
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final String KEY_PREFIX = "sb_";

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, CachedLookup> byHash = new ConcurrentHashMap<>();

    public record CreatedKey(UUID id, String key) {
    }

    private record CachedLookup(Optional<TenantId> tenant, Instant expiresAt) {
    }

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
        byHash.remove(hash);
        return new CreatedKey(key.id, plainKey);
    }

    /** The tenant a presented API key belongs to, if the key is known and not revoked. */
    public Optional<TenantId> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 512) {
            return Optional.empty();
        }
        String hash = KeyHash.of(presentedKey);
        Instant now = Instant.now();
        CachedLookup cached = byHash.get(hash);
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return cached.tenant();
        }
        Optional<TenantId> tenant = lookup(hash);
        if (byHash.size() > 100_000) {
            byHash.clear();
        }
        byHash.put(hash, new CachedLookup(tenant, now.plus(CACHE_TTL)));
        return tenant;
    }

    @Transactional
    Optional<TenantId> lookup(String hash) {
        return ApiKey.<ApiKey>find("keyHash = ?1 and revokedAt is null", hash)
                .firstResultOptional()
                .map(key -> new TenantId(key.tenantId));
    }
}
