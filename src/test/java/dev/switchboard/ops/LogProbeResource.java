package dev.switchboard.ops;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Test-only: fails a request inside the database with a value PostgreSQL quotes back in its error
 * (an invalid integer), wrapped the way the service's stores wrap SQL errors, so that a test can
 * check what of it reaches the log.
 */
@Path("/api/v1/test/log-probe")
public class LogProbeResource {
    private final DataSource dataSource;

    LogProbeResource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @POST
    public String fail(String text) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
            ps.setString(1, text);
            ps.executeQuery();
            return "unexpected";
        } catch (SQLException e) {
            throw new IllegalStateException("could not run the probe",
                    new IllegalArgumentException("the probe failed on " + text, e));
        }
    }
}
