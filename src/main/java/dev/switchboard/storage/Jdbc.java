package dev.switchboard.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/** One statement with positional arguments on the current transaction's connection. */
public final class Jdbc {
    private Jdbc() {
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. {@code what} names it in the error. */
    public static int update(DataSource dataSource, String what, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not " + what, e);
        }
    }

    /**
     * Has PostgreSQL plan this statement with each execution's arguments (pgjdbc then never prepares it
     * on the server), for statements on a list of ids ({@code = ANY (?)}). The generic plan cached after
     * five executions is made for the table as it is then: one made while it was nearly empty scans it
     * whole, and keeps doing so as it grows, until its statistics change. With autovacuum off or behind,
     * the sent marker's batch was such a scan of every effect: 2,000 buffers and 7 ms a batch.
     */
    public static PreparedStatement planEachTime(PreparedStatement ps) throws SQLException {
        ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        return ps;
    }
}
