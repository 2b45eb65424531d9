package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fence is the first statement of every processing commit. For a commit of one session (every
 * commit at low load) PostgreSQL keeps one generic plan of it instead of planning it each time.
 */
@QuarkusTest
class FencePlanTest {
    @Inject
    Leases leases;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void theFenceOfOneSessionIsPlannedOnceNotOnEveryCommit() {
        long sessionId = 1;
        assertTrue(leases.owns(sessionId), "the test node holds every partition");
        long[] plans = QuarkusTransaction.requiringNew().call(() -> {
            for (int i = 0; i < 15; i++) { // pgjdbc prepares it on the server at the fifth, PostgreSQL plans it five times
                leases.fence(List.of(sessionId));
            }
            return plansOfTheFence();
        });
        assertTrue(plans[0] > 0, "generic plans " + plans[0] + ", custom plans " + plans[1]);
    }

    /** This connection's prepared fence statements: generic plans used, custom plans made. */
    private long[] plansOfTheFence() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements
                 WHERE statement LIKE 'SELECT partition, epoch FROM partition_leases%'""");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
