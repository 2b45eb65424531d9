package dev.switchboard.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

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
}
