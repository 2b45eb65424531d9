package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** A metric per hour or per day of the report's time zone, every interval of the range present (zeros too). */
@ApplicationScoped
class SeriesQueries {
    static final int MAX_POINTS = 10_000;

    /** Where a metric comes from: a count kept per quarter hour, a count of conversations, or a duration. */
    private enum Metric {
        CONVERSATIONS_CREATED("conversations_created", null, "report_conversations", "created_at", null),
        CONVERSATIONS_RESOLVED("conversations_resolved", null, "report_conversations", "resolved_at", null),
        HANDOFFS("handoffs", null, "report_conversations", "handed_off_at", null),
        MESSAGES_FROM_CUSTOMERS("messages_from_customers", CountMetric.MESSAGES_IN, null, "bucket", null),
        MESSAGES_FROM_BOT("messages_from_bot", CountMetric.MESSAGES_BOT, null, "bucket", null),
        MESSAGES_FROM_AGENTS("messages_from_agents", CountMetric.MESSAGES_AGENT, null, "bucket", null),
        NOTES("notes", CountMetric.NOTES, null, "bucket", null),
        FIRST_RESPONSE_TIME("first_response_time", null, "report_conversations", "first_response_at", "first_response_ms"),
        AGENT_REPLY_TIME("agent_reply_time", null, "report_replies", "answered_at", "reply_ms"),
        RESOLUTION_TIME("resolution_time", null, "report_conversations", "resolved_at",
                "extract(epoch FROM resolved_at - created_at) * 1000");

        final String wire;
        final CountMetric counted;
        final String table;
        final String time;
        final String millis;

        Metric(String wire, CountMetric counted, String table, String time, String millis) {
            this.wire = wire;
            this.counted = counted;
            this.table = table;
            this.time = time;
            this.millis = millis;
        }

        static Metric of(String wire) {
            for (Metric metric : values()) {
                if (metric.wire.equals(wire)) {
                    return metric;
                }
            }
            throw ProblemException.badRequest("'metric' must be one of: " + String.join(", ",
                    java.util.Arrays.stream(values()).map(m -> m.wire).toList()) + ".");
        }
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    SeriesQueries(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Transactional
    ObjectNode series(TenantId tenant, ReportRange range, String metricName, String interval) {
        Metric metric = Metric.of(metricName);
        boolean daily;
        if ("day".equals(interval)) {
            daily = true;
        } else if ("hour".equals(interval)) {
            daily = false;
        } else {
            throw ProblemException.badRequest("'interval' must be hour or day.");
        }
        List<Instant> starts = starts(range, daily);
        if (starts.size() > MAX_POINTS) {
            throw ProblemException.badRequest("A series has at most " + MAX_POINTS + " points; use a shorter range or days.");
        }
        ReportQuery q = new ReportQuery(dataSource);
        // the start of each row's interval, as an instant: local midnight in the zone, or the hour since the first start
        String key = daily ? "(date_trunc('day', " + metric.time + " AT TIME ZONE " + q.text(range.zone().getId())
                + ") AT TIME ZONE " + q.text(range.zone().getId()) + ")"
                : "date_bin('1 hour', " + metric.time + ", " + q.at(starts.get(0)) + ")";
        String sql;
        if (metric.counted != null) {
            sql = "SELECT " + key + ", sum(n) FROM (SELECT bucket, n FROM report_counts"
                    + AnalyticsQueries.bucketsOf(q, tenant, range) + " AND metric = " + q.text(metric.counted.stored)
                    + " UNION ALL SELECT bucket, n FROM report_count_deltas" + AnalyticsQueries.bucketsOf(q, tenant, range)
                    + " AND metric = " + q.text(metric.counted.stored) + ") c GROUP BY 1";
        } else {
            sql = "SELECT " + key + ", " + (metric.millis == null ? "count(*)" : DurationStats.select(metric.millis))
                    + " FROM " + metric.table + " WHERE tenant_id = " + q.tenant(tenant) + " AND " + metric.time + " >= "
                    + q.at(range.from()) + " AND " + metric.time + " < " + q.at(range.to()) + q.channel(range)
                    + " GROUP BY 1";
        }
        Map<Instant, ObjectNode> points = q.run(sql, rs -> {
            Map<Instant, ObjectNode> read = new HashMap<>();
            while (rs.next()) {
                ObjectNode point = mapper.createObjectNode();
                if (metric.millis == null) {
                    point.put("count", rs.getLong(2));
                } else {
                    DurationStats.read(rs, 2).writeTo(point);
                }
                read.put(rs.getTimestamp(1).toInstant(), point);
            }
            return read;
        });
        ObjectNode series = mapper.createObjectNode().put("metric", metric.wire).put("interval", interval)
                .put("from", range.from().toString()).put("to", range.to().toString()).put("tz", range.zone().getId())
                .put("channel", range.channel());
        ArrayNode out = series.putArray("points");
        for (Instant start : starts) {
            ObjectNode point = out.addObject().put("start", start.atZone(range.zone()).toOffsetDateTime().toString());
            ObjectNode found = points.get(start);
            if (found != null) {
                point.setAll(found);
            } else if (metric.millis == null) {
                point.put("count", 0);
            } else {
                new DurationStats(0, null, null, null).writeTo(point);
            }
        }
        return series;
    }

    /** The starts of the intervals that meet the range: local days of the zone, or hours from the zone's hour. */
    private static List<Instant> starts(ReportRange range, boolean daily) {
        List<Instant> starts = new ArrayList<>();
        ZonedDateTime first = range.from().atZone(range.zone());
        if (daily) {
            for (LocalDate day = first.toLocalDate(); ; day = day.plusDays(1)) {
                Instant start = day.atStartOfDay(range.zone()).toInstant();
                if (!start.isBefore(range.to()) || starts.size() > MAX_POINTS) {
                    break;
                }
                starts.add(start);
            }
        } else {
            for (Instant start = first.truncatedTo(ChronoUnit.HOURS).toInstant(); start.isBefore(range.to())
                    && starts.size() <= MAX_POINTS; start = start.plus(Duration.ofHours(1))) {
                starts.add(start);
            }
        }
        return starts;
    }
}
