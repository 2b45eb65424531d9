package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.outbox.MessageStatus;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The summary, from the counts only (never the log, never a row per conversation): whole UTC days
 * of the range from the daily counts, its two ends from the quarter hours (what the roller has
 * folded in: at most one roll interval behind the log).
 * Every query names the tenant (the keys start with it) and runs on the request's connection, so
 * row-level security applies as well.
 */
@ApplicationScoped
class AnalyticsQueries {
    /** First-response distribution: the upper bounds of its buckets in seconds, the last one open. */
    private static final long[] DISTRIBUTION_BOUNDS = {60, 300, 900, 3600, 14400};
    private static final String[] DISTRIBUTION_LABELS = {"0-1m", "1-5m", "5-15m", "15-60m", "1-4h", "over 4h"};
    static final List<String> DURATIONS = List.of("first_response", "agent_reply", "resolution", "resolution_bot",
            "resolution_human");

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    AnalyticsQueries(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** One count of the range. */
    record Count(String metric, String channel, String dim, long n) {
    }

    @Transactional
    ObjectNode summary(TenantId tenant, ReportRange range) {
        List<Count> counts = counts(tenant, range.from(), range.to(), range.channel(), null);
        Map<String, Long> totals = new HashMap<>();
        Map<String, Histogram> durations = new HashMap<>();
        ObjectNode delivery = mapper.createObjectNode();
        for (Count count : counts) {
            totals.merge(count.metric(), count.n(), Long::sum);
            collect(count, durations);
            if (count.metric().startsWith(CountMetric.DELIVERY_PREFIX)) {
                ObjectNode channel = delivery.has(count.channel()) ? (ObjectNode) delivery.get(count.channel())
                        : newDelivery(delivery, count.channel());
                String status = count.metric().substring(CountMetric.DELIVERY_PREFIX.length());
                channel.put(status, channel.path(status).asLong() + count.n());
                if (MessageStatus.FAILED.wire().equals(status) && !count.dim().isEmpty()) {
                    ObjectNode reasons = (ObjectNode) channel.get("failureReasons");
                    reasons.put(count.dim(), reasons.path(count.dim()).asLong() + count.n());
                }
            }
        }
        long created = totals.getOrDefault(CountMetric.CONVERSATIONS_CREATED.stored, 0L);
        long resolved = totals.getOrDefault(CountMetric.CONVERSATIONS_RESOLVED.stored, 0L);
        long handedOff = totals.getOrDefault(CountMetric.CONVERSATIONS_HANDED_OFF.stored, 0L);
        Map<String, Long> ever = new HashMap<>();
        for (Count count : counts(tenant, Instant.EPOCH, range.to(), range.channel(),
                List.of(CountMetric.CONVERSATIONS_CREATED.stored, CountMetric.CONVERSATIONS_RESOLVED.stored))) {
            ever.merge(count.metric(), count.n(), Long::sum);
        }

        ObjectNode summary = mapper.createObjectNode();
        summary.put("from", range.from().toString()).put("to", range.to().toString())
                .put("tz", range.zone().getId()).put("channel", range.channel());
        summary.putObject("conversations").put("created", created).put("resolved", resolved)
                .put("handedOff", handedOff)
                .put("openAtEnd", ever.getOrDefault(CountMetric.CONVERSATIONS_CREATED.stored, 0L)
                        - ever.getOrDefault(CountMetric.CONVERSATIONS_RESOLVED.stored, 0L));
        summary.put("botContainmentRate", ratio(totals.getOrDefault(CountMetric.CONVERSATIONS_CONTAINED.stored, 0L),
                resolved));
        summary.put("handoffRate", ratio(handedOff, created));
        summary.putObject("messages").put("fromCustomers", totals.getOrDefault(CountMetric.MESSAGES_IN.stored, 0L))
                .put("fromBot", totals.getOrDefault(CountMetric.MESSAGES_BOT.stored, 0L))
                .put("fromAgents", totals.getOrDefault(CountMetric.MESSAGES_AGENT.stored, 0L))
                .put("notes", totals.getOrDefault(CountMetric.NOTES.stored, 0L));

        Histogram firstResponse = durations.getOrDefault("first_response", new Histogram());
        DurationStats firstResponseStats = firstResponse.stats();
        ObjectNode first = summary.putObject("firstResponseTime");
        firstResponseStats.writeTo(first);
        ArrayNode distribution = first.putArray("distribution");
        long below = 0;
        for (int i = 0; i < DISTRIBUTION_LABELS.length; i++) {
            long upTo = i < DISTRIBUTION_BOUNDS.length ? firstResponse.countBelow(DISTRIBUTION_BOUNDS[i])
                    : firstResponseStats.count();
            distribution.addObject().put("bucket", DISTRIBUTION_LABELS[i]).put("count", upTo - below);
            below = upTo;
        }
        durations.getOrDefault("agent_reply", new Histogram()).stats().writeTo(summary.putObject("agentReplyTime"));
        ObjectNode resolution = summary.putObject("resolutionTime");
        durations.getOrDefault("resolution", new Histogram()).stats().writeTo(resolution.putObject("total"));
        durations.getOrDefault("resolution_bot", new Histogram()).stats().writeTo(resolution.putObject("bot"));
        durations.getOrDefault("resolution_human", new Histogram()).stats().writeTo(resolution.putObject("human"));
        summary.set("delivery", delivery);
        return summary;
    }

    /** Adds a count to its duration's histogram, if it is one (a bin, or the sum of milliseconds). */
    static void collect(Count count, Map<String, Histogram> durations) {
        String metric = count.metric();
        if (metric.endsWith("_ms") && DURATIONS.contains(metric.substring(0, metric.length() - 3))) {
            durations.computeIfAbsent(metric.substring(0, metric.length() - 3), m -> new Histogram())
                    .addMillis(count.n());
        } else if (DURATIONS.contains(metric)) {
            durations.computeIfAbsent(metric, m -> new Histogram()).add(Long.parseLong(count.dim()), count.n());
        }
    }

    private ObjectNode newDelivery(ObjectNode delivery, String channel) {
        ObjectNode node = delivery.putObject(channel);
        for (MessageStatus status : MessageStatus.values()) {
            node.put(status.wire(), 0L);
        }
        node.putObject("failureReasons");
        return node;
    }

    /**
     * The counts of [from, to) (of {@code metrics} only, unless null): whole UTC days from the daily
     * counts, the rest from quarter hours.
     */
    private List<Count> counts(TenantId tenant, Instant from, Instant to, String channel, List<String> metrics) {
        ReportQuery q = new ReportQuery(dataSource);
        Supplier<String> only = () -> metrics == null ? "" : " AND metric = ANY(" + q.texts(metrics) + ")";
        Instant firstDay = from.truncatedTo(ChronoUnit.DAYS).equals(from) ? from
                : from.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        Instant lastDay = to.truncatedTo(ChronoUnit.DAYS);
        if (!firstDay.isBefore(lastDay)) {
            firstDay = to; // no whole day inside: all of it from quarter hours
            lastDay = to;
        }
        String sql = "SELECT metric, channel, dim, sum(n) FROM (SELECT metric, channel, dim, n FROM report_counts_daily"
                + " WHERE tenant_id = " + q.tenant(tenant) + " AND day >= " + q.at(firstDay) + " AND day < "
                + q.at(lastDay) + q.channel(channel) + only.get() + " UNION ALL SELECT metric, channel, dim, n"
                + " FROM report_counts WHERE tenant_id = " + q.tenant(tenant) + " AND (bucket >= " + q.at(from)
                + " AND bucket < " + q.at(firstDay) + " OR bucket >= " + q.at(lastDay) + " AND bucket < " + q.at(to)
                + ")" + q.channel(channel) + only.get() + ") c GROUP BY metric, channel, dim";
        return q.run(sql, rs -> {
            List<Count> counts = new ArrayList<>();
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
            return counts;
        });
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
