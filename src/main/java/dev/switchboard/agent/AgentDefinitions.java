package dev.switchboard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.tenants.TenantId;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The classifier definition each tenant uses: its own (table {@code agent_definitions}) or the
 * built-in one ({@code agent/intents.json}). Definitions are validated when stored and when loaded;
 * the built-in one at startup, so a broken file stops the service with the list of problems.
 */
@ApplicationScoped
public class AgentDefinitions {
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final JsonNode builtInJson;
    private final IntentDefinition builtIn;
    private final ConcurrentHashMap<TenantId, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(IntentDefinition definition, Instant expiresAt) {
    }

    AgentDefinitions(DataSource dataSource, ObjectMapper mapper) throws IOException {
        this.dataSource = dataSource;
        this.mapper = mapper;
        try (InputStream in = AgentDefinitions.class.getResourceAsStream("/agent/intents.json")) {
            if (in == null) {
                throw new IllegalStateException("agent/intents.json is missing from the classpath");
            }
            this.builtInJson = mapper.readTree(in);
        }
        this.builtIn = IntentDefinition.parse(builtInJson);
    }

    /** Creates the bean at startup, so that a broken built-in definition stops the service at once. */
    void validateAtStartup(@Observes StartupEvent ignored) {
        builtIn.intents().size();
    }

    public IntentDefinition forTenant(TenantId tenant) {
        Instant now = Instant.now();
        Cached cached = cache.get(tenant);
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return cached.definition();
        }
        IntentDefinition definition = stored(tenant).map(IntentDefinition::parse).orElse(builtIn);
        cache.put(tenant, new Cached(definition, now.plus(CACHE_TTL)));
        return definition;
    }

    /** The JSON in force for a tenant: its own, or the built-in one. */
    public JsonNode json(TenantId tenant) {
        return stored(tenant).orElse(builtInJson);
    }

    /** Validates and stores a tenant's definition; throws {@link IntentDefinition.Invalid} listing every problem. */
    @Transactional
    public void store(TenantId tenant, JsonNode json) {
        IntentDefinition definition = IntentDefinition.parse(json);
        String sql = """
                INSERT INTO agent_definitions (tenant_id, definition) VALUES (?, ?::jsonb)
                ON CONFLICT (tenant_id) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant.value());
            ps.setString(2, mapper.writeValueAsString(json));
            ps.executeUpdate();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not store the agent definition of " + tenant, e);
        }
        cache.put(tenant, new Cached(definition, Instant.now().plus(CACHE_TTL)));
    }

    @Transactional
    Optional<JsonNode> stored(TenantId tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT definition::text FROM agent_definitions WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapper.readTree(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not load the agent definition of " + tenant, e);
        }
    }
}
