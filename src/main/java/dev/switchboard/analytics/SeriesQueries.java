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

    /** A metric of the series and the count it is kept as; a duration is a histogram and a sum. */
    private enum Metric {
        CONVERSATIONS_CREATED("conversations_created", CountMetric.CONVERSATIONS_CREATED.stored, false),
        CONVERSATIONS_RESOLVED("conversations_resolved", CountMetric.CONVERSATIONS_RESOLVED.stored, false),
        HANDOFFS("handoffs", CountMetric.CONVERSATIONS_HANDED_OFF.stored, false),
        MESSAGES_FROM_CUSTOMERS("messages_from_customers", CountMetric.MESSAGES_IN.stored, false),
        MESSAGES_FROM_BOT("messages_from_bot", CountMetric.MESSAGES_BOT.stored, false),
        MESSAGES_FROM_AGENTS("messages_from_agents", CountMetric.MESSAGES_AGENT.stored, false),
        NOTES("notes", CountMetric.NOTES.stored, false),
        FIRST_RESPONSE_TIME("first_response_time", "first_response", true),
        AGENT_REPLY_TIME("agent_reply_time", "agent_reply", true),
        RESOLUTION_TIME("resolution_time", "resolution", true);

        final String wire;
        final String stored;
        final boolean duration;

        Metric(String wire, String stored, boolean duration) {
            this.wire = wire;
            this.stored = stored;
            this.duration = duration;
        }

        List<String> counts() {
            return duration ? List.of(stored, stored + "_ms") : List.of(stored);
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
        String key = daily ? "(date_trunc('day', bucket AT TIME ZONE " + q.text(range.zone().getId())
                + ") AT TIME ZONE " + q.text(range.zone().getId()) + ")"
                : "date_bin('1 hour', bucket, " + q.at(starts.get(0)) + ")";
        String sql = "SELECT " + key + ", metric, dim, sum(n) FROM report_counts" + quarters(q, tenant, range, metric)
                + " GROUP BY 1, 2, 3";
        Map<Instant, Long> counts = new HashMap<>();
        Map<Instant, Map<String, Histogram>> durations = new HashMap<>();
        q.run(sql, rs -> {
            while (rs.next()) {
                Instant start = rs.getTimestamp(1).toInstant();
                AnalyticsQueries.Count count = new AnalyticsQueries.Count(rs.getString(2), null, rs.getString(3),
                        rs.getLong(4));
                if (metric.duration) {
                    AnalyticsQueries.collect(count, durations.computeIfAbsent(start, s -> new HashMap<>()));
                } else {
                    counts.merge(start, count.n(), Long::sum);
                }
            }
            return null;
        });
        ObjectNode series = mapper.createObjectNode().put("metric", metric.wire).put("interval", interval)
                .put("from", range.from().toString()).put("to", range.to().toString()).put("tz", range.zone().getId())
                .put("channel", range.channel());
        ArrayNode out = series.putArray("points");
        for (Instant start : starts) {
            ObjectNode point = out.addObject().put("start", start.atZone(range.zone()).toOffsetDateTime().toString());
            if (metric.duration) {
                durations.getOrDefault(start, Map.of()).getOrDefault(metric.stored, new Histogram()).stats()
                        .writeTo(point);
            } else {
                point.put("count", counts.getOrDefault(start, 0L));
            }
        }
        return series;
    }

    private static String quarters(ReportQuery q, TenantId tenant, ReportRange range, Metric metric) {
        return q.quarters(tenant, range) + " AND metric = ANY(" + q.texts(metric.counts()) + ")";
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
