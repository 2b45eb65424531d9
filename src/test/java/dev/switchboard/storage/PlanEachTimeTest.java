package dev.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A statement on a list of ids is never prepared on the server, so PostgreSQL plans it with each
 * execution's arguments and never keeps a generic plan made while its table was small.
 */
@QuarkusTest
class PlanEachTimeTest {
    private static final String BY_IDS = "SELECT count(*) FROM effects WHERE id = ANY (?) /* plan-each-time probe */";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aStatementPlannedEachTimeIsNeverPreparedOnTheServer() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement ps = Jdbc.planEachTime(c.prepareStatement(BY_IDS))) {
                    run(c, ps);
                }
            }
            assertEquals(0, serverPrepared(c), "planned with its arguments on every execution");

            for (int i = 0; i < 10; i++) {
                try (PreparedStatement ps = c.prepareStatement(BY_IDS)) {
                    run(c, ps);
                }
            }
            assertEquals(1, serverPrepared(c), "the driver's default, for contrast: prepared after five executions");
        }
    }

    private static void run(Connection c, PreparedStatement ps) throws SQLException {
        ps.setArray(1, c.createArrayOf("bigint", new Object[] {1L, 2L, 3L}));
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    private static long serverPrepared(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%plan-each-time' || ' probe%'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
