package dev.switchboard.tenants;

import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Test-only endpoint with the bug row-level security exists for: it counts rows of every
 * tenant-owned table WITHOUT a tenant condition, under whatever tenant the request authenticated as.
 */
@Path("/api/v1/test/forgotten-where")
public class ForgottenWhereResource {
    private static final List<String> TABLES = List.of("tenants", "api_keys", "sessions", "events", "effects",
            "idempotency_keys", "agent_definitions");

    private final DataSource dataSource;

    ForgottenWhereResource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public Map<String, Long> countEverything() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
