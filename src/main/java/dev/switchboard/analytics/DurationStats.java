package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A duration metric over a range: how many, and their mean, median and 90th percentile in seconds
 * (percentiles interpolated between the two nearest values, as PostgreSQL's percentile_cont does).
 * Null statistics when there are none.
 */
record DurationStats(long count, Double mean, Double p50, Double p90) {
    static final DurationStats NONE = new DurationStats(0, null, null, null);

    /** The select list that {@link #read} reads, over a column of milliseconds. */
    static String select(String millis) {
        return "count(" + millis + "), avg(" + millis + "), percentile_cont(0.5) WITHIN GROUP (ORDER BY " + millis
                + "), percentile_cont(0.9) WITHIN GROUP (ORDER BY " + millis + ")";
    }

    static DurationStats read(ResultSet rs, int first) throws SQLException {
        long count = rs.getLong(first);
        return new DurationStats(count, seconds(rs, first + 1), seconds(rs, first + 2), seconds(rs, first + 3));
    }

    private static Double seconds(ResultSet rs, int column) throws SQLException {
        double millis = rs.getDouble(column);
        return rs.wasNull() ? null : Math.round(millis) / 1000.0;
    }

    void writeTo(ObjectNode node) {
        node.put("count", count).put("mean", mean).put("p50", p50).put("p90", p90);
    }
}
