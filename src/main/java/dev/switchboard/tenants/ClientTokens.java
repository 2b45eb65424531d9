package dev.switchboard.tenants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.secrets.Hmac;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Short-lived tokens for browsers, which must not hold a tenant's API key: a JWT (HS256) that names
 * one tenant and one session and expires after {@code switchboard.auth.client-token-ttl}. Signed
 * with {@code switchboard.auth.client-token-secret}; without one a random secret is made at start
 * (fine for one node; several nodes must share a configured secret).
 */
@ApplicationScoped
public class ClientTokens {
    private static final Logger LOG = Logger.getLogger(ClientTokens.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.UTF_8));

    /** What a valid token grants: one session of one tenant. */
    public record Grant(TenantId tenant, String sessionKey, Instant expiresAt) {
    }

    private final ObjectMapper mapper;
    private final Duration ttl;
    private final byte[] secret;

    ClientTokens(ObjectMapper mapper,
            @ConfigProperty(name = "switchboard.auth.client-token-ttl", defaultValue = "15m") Duration ttl,
            @ConfigProperty(name = "switchboard.auth.client-token-secret") Optional<String> secret) {
        this.mapper = mapper;
        this.ttl = ttl;
        if (secret.filter(s -> s.length() >= 32).isPresent()) {
            this.secret = secret.get().getBytes(StandardCharsets.UTF_8);
        } else {
            if (secret.isPresent()) {
                throw new IllegalStateException("switchboard.auth.client-token-secret must be at least 32 characters");
            }
            LOG.warn("switchboard.auth.client-token-secret is not set: client tokens are signed with a random "
                    + "secret and are valid on this node only, until it restarts");
            this.secret = new byte[32];
            new SecureRandom().nextBytes(this.secret);
        }
    }

    /** A signed token and when it stops working; also the API's answer. */
    @RegisterForReflection
    public record Issued(String token, Instant expiresAt) {
    }

    public Issued issue(TenantId tenant, String sessionKey) {
        Instant expiresAt = Instant.now().plus(ttl);
        return new Issued(issue(tenant, sessionKey, expiresAt), expiresAt);
    }

    String issue(TenantId tenant, String sessionKey, Instant expiresAt) {
        String claims = mapper.createObjectNode()
                .put("tid", tenant.toString())
                .put("sub", sessionKey)
                .put("iat", Instant.now().getEpochSecond())
                .put("exp", expiresAt.getEpochSecond())
                .toString();
        String signingInput = HEADER + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + B64.encodeToString(sign(signingInput));
    }

    /** The grant of a valid, unexpired token; empty for anything else (tampered, expired, malformed). */
    public Optional<Grant> verify(String token) {
        if (token == null || token.length() > 4096) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return Optional.empty();
        }
        try {
            byte[] expected = sign(parts[0] + "." + parts[1]);
            if (!MessageDigest.isEqual(expected, B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = mapper.readTree(B64D.decode(parts[1]));
            Instant expiresAt = Instant.ofEpochSecond(claims.path("exp").asLong(0));
            if (!expiresAt.isAfter(Instant.now())) {
                return Optional.empty();
            }
            return Optional.of(new Grant(new TenantId(UUID.fromString(claims.path("tid").asText())),
                    claims.path("sub").asText(), expiresAt));
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }

    /** True if the credential has the shape of a token (three dot-separated parts) rather than an API key. */
    public static boolean looksLikeToken(String credential) {
        return credential != null && credential.chars().filter(c -> c == '.').count() == 2;
    }

    private byte[] sign(String input) {
        return Hmac.sha256(secret, input.getBytes(StandardCharsets.UTF_8));
    }
}
