package dev.switchboard.analytics;

import dev.switchboard.tenants.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A report's SQL statement built together with its positional arguments: each method adds its
 * argument and returns the placeholder, so the text and the arguments stay in the same order.
 */
final class ReportQuery {
    /** Reads a result set. */
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    private final List<Object> args = new ArrayList<>();

    ReportQuery(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    String tenant(TenantId tenant) {
        return uuid(tenant.value());
    }

    String uuid(UUID id) {
        args.add(id);
        return "?";
    }

    String at(Instant instant) {
        args.add(Timestamp.from(instant));
        return "?";
    }

    String text(String value) {
        args.add(value);
        return "?";
    }

    /** The range's channel condition, if it has one. */
    String channel(ReportRange range) {
        return channel(range.channel());
    }

    /** The condition on the quarter-hour counts ({@code report_counts}) of the tenant's range. */
    String quarters(TenantId tenant, ReportRange range) {
        return " WHERE tenant_id = " + tenant(tenant) + " AND bucket >= " + at(range.from()) + " AND bucket < "
                + at(range.to()) + channel(range);
    }

    /** A text[] argument, for {@code = ANY(?)}. */
    String texts(List<String> values) {
        args.add(values.toArray(new String[0]));
        return "?";
    }

    String channel(String channel) {
        return channel == null ? "" : " AND channel = " + text(channel);
    }

    <T> T run(String sql, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof String[] values) {
                    ps.setArray(i + 1, c.createArrayOf("text", values));
                } else {
                    ps.setObject(i + 1, arg);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a report", e);
        }
    }
}
