package dev.switchboard.privacy;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Retention's candidates are found by an index on every table it prunes: with sequential scans
 * priced out, a plan that still scans the table has no index whose predicate its condition implies.
 */
@QuarkusTest
class RetentionPlanTest {
    @Inject
    DataSource dataSource;

    @Test
    void everyTableRetentionPrunesIsSearchedByAnIndex() throws SQLException {
        for (String table : new String[] {"events", "effects", "idempotency_keys"}) {
            String plan = plan(RetentionStore.candidates(table));
            assertFalse(plan.contains("Seq Scan on " + table), table + ":\n" + plan);
        }
    }

    private String plan(String query) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + query)) {
                ps.setObject(1, UUID.randomUUID());
                ps.setInt(2, 30);
                ps.setInt(3, 1000);
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET enable_seqscan");
                }
            }
        }
    }
}
