package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The reports, read from the reporting rows and counts only (never the log), each an index range
 * scan of one tenant's range. Every query names the tenant (the indexes start with it) and runs on
 * the request's connection, so row-level security applies as well.
 */
@ApplicationScoped
class AnalyticsQueries {
    /** A count of the tenant's conversations whose {@code column} lies in the range (arguments bind in text order). */
    private static String within(ReportQuery q, TenantId tenant, ReportRange range, String column) {
        return "SELECT count(*) FROM report_conversations WHERE tenant_id = " + q.tenant(tenant) + " AND " + column
                + " >= " + q.at(range.from()) + " AND " + column + " < " + q.at(range.to());
    }

    /** First-response distribution: the upper bounds of its buckets in minutes, the last one open. */
    static final long[] DISTRIBUTION_MINUTES = {1, 5, 15, 60, 240};
    static final String[] DISTRIBUTION_LABELS = {"0-1m", "1-5m", "5-15m", "15-60m", "1-4h", "over 4h"};
    static final List<String> DELIVERY = List.of("pending", "sent", "delivered", "read", "failed");

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    private ReportQuery query() {
        return new ReportQuery(dataSource);
    }

    AnalyticsQueries(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Transactional
    ObjectNode summary(TenantId tenant, ReportRange range) {
        ObjectNode summary = mapper.createObjectNode();
        summary.put("from", range.from().toString()).put("to", range.to().toString())
                .put("tz", range.zone().getId()).put("channel", range.channel());

        long[] conversations = conversations(tenant, range);
        summary.putObject("conversations").put("created", conversations[0]).put("resolved", conversations[1])
                .put("handedOff", conversations[2]).put("openAtEnd", conversations[3]);
        summary.put("botContainmentRate", ratio(conversations[4], conversations[1]));
        summary.put("handoffRate", ratio(conversations[5], conversations[0]));

        Map<String, Long> totals = new LinkedHashMap<>();
        ObjectNode delivery = mapper.createObjectNode();
        for (Count count : counts(tenant, range)) {
            totals.merge(count.metric, count.n, Long::sum);
            if (count.metric.startsWith(CountMetric.DELIVERY_PREFIX)) {
                ObjectNode channel = delivery.has(count.channel) ? (ObjectNode) delivery.get(count.channel)
                        : newDelivery(delivery, count.channel);
                String status = count.metric.substring(CountMetric.DELIVERY_PREFIX.length());
                channel.put(status, channel.path(status).asLong() + count.n);
                if ("failed".equals(status) && !count.dim.isEmpty()) {
                    ObjectNode reasons = (ObjectNode) channel.get("failureReasons");
                    reasons.put(count.dim, reasons.path(count.dim).asLong() + count.n);
                }
            }
        }
        summary.putObject("messages").put("fromCustomers", totals.getOrDefault(CountMetric.MESSAGES_IN.stored, 0L))
                .put("fromBot", totals.getOrDefault(CountMetric.MESSAGES_BOT.stored, 0L))
                .put("fromAgents", totals.getOrDefault(CountMetric.MESSAGES_AGENT.stored, 0L))
                .put("notes", totals.getOrDefault(CountMetric.NOTES.stored, 0L));

        firstResponse(tenant, range, summary.putObject("firstResponseTime"));
        replyTime(tenant, range).writeTo(summary.putObject("agentReplyTime"));
        resolution(tenant, range, summary.putObject("resolutionTime"));
        summary.set("delivery", delivery);
        return summary;
    }

    private ObjectNode newDelivery(ObjectNode delivery, String channel) {
        ObjectNode node = delivery.putObject(channel);
        DELIVERY.forEach(status -> node.put(status, 0L));
        node.putObject("failureReasons");
        return node;
    }

    /** created, resolved, handed off, open at the end, resolved without a person, created and handed off. */
    private long[] conversations(TenantId tenant, ReportRange range) {
        ReportQuery q = query();
        String sql = "SELECT (" + within(q, tenant, range, "created_at") + q.channel(range) + "), ("
                + within(q, tenant, range, "resolved_at") + q.channel(range) + "), ("
                + within(q, tenant, range, "handed_off_at") + q.channel(range) + "), ("
                + "SELECT count(*) FROM report_conversations WHERE tenant_id = " + q.tenant(tenant) + " AND created_at < "
                + q.at(range.to()) + " AND (resolved_at IS NULL OR resolved_at >= " + q.at(range.to()) + ")"
                + q.channel(range) + "), ("
                + within(q, tenant, range, "resolved_at") + " AND NOT reached_person" + q.channel(range) + "), ("
                + within(q, tenant, range, "created_at") + " AND handed_off_at < " + q.at(range.to()) + q.channel(range)
                + ")";
        return q.run(sql, rs -> {
            rs.next();
            long[] values = new long[6];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getLong(i + 1);
            }
            return values;
        });
    }

    private void firstResponse(TenantId tenant, ReportRange range, ObjectNode node) {
        ReportQuery q = query();
        StringBuilder sql = new StringBuilder("SELECT " + DurationStats.select("first_response_ms"));
        for (int i = 0; i <= DISTRIBUTION_MINUTES.length; i++) {
            sql.append(", count(*) FILTER (WHERE ");
            sql.append(i == 0 ? "true" : "first_response_ms >= " + DISTRIBUTION_MINUTES[i - 1] * 60_000);
            if (i < DISTRIBUTION_MINUTES.length) {
                sql.append(" AND first_response_ms < ").append(DISTRIBUTION_MINUTES[i] * 60_000);
            }
            sql.append(")");
        }
        sql.append(" FROM report_conversations WHERE tenant_id = ").append(q.tenant(tenant))
                .append(" AND first_response_at >= ").append(q.at(range.from()))
                .append(" AND first_response_at < ").append(q.at(range.to())).append(q.channel(range));
        q.run(sql.toString(), rs -> {
            rs.next();
            DurationStats.read(rs, 1).writeTo(node);
            ArrayNode distribution = node.putArray("distribution");
            for (int i = 0; i < DISTRIBUTION_LABELS.length; i++) {
                distribution.addObject().put("bucket", DISTRIBUTION_LABELS[i]).put("count", rs.getLong(5 + i));
            }
            return null;
        });
    }

    private DurationStats replyTime(TenantId tenant, ReportRange range) {
        ReportQuery q = query();
        String sql = "SELECT " + DurationStats.select("reply_ms") + " FROM report_replies WHERE tenant_id = "
                + q.tenant(tenant) + " AND answered_at >= " + q.at(range.from()) + " AND answered_at < "
                + q.at(range.to()) + q.channel(range);
        return q.run(sql, rs -> {
            rs.next();
            return DurationStats.read(rs, 1);
        });
    }

    private void resolution(TenantId tenant, ReportRange range, ObjectNode node) {
        ReportQuery q = query();
        String sql = "SELECT " + DurationStats.select("total_ms") + ", " + DurationStats.select("bot_ms") + ", "
                + DurationStats.select("human_ms") + " FROM (SELECT extract(epoch FROM resolved_at - created_at) * 1000 "
                + "AS total_ms, bot_ms, human_ms FROM report_conversations WHERE tenant_id = " + q.tenant(tenant)
                + " AND resolved_at >= " + q.at(range.from()) + " AND resolved_at < " + q.at(range.to())
                + q.channel(range) + ") r";
        q.run(sql, rs -> {
            rs.next();
            DurationStats.read(rs, 1).writeTo(node.putObject("total"));
            DurationStats.read(rs, 5).writeTo(node.putObject("bot"));
            DurationStats.read(rs, 9).writeTo(node.putObject("human"));
            return null;
        });
    }

    private record Count(String metric, String channel, String dim, long n) {
    }

    /** The counts of the range: folded ones and those still queued, read at one snapshot. */
    private List<Count> counts(TenantId tenant, ReportRange range) {
        ReportQuery q = query();
        String sql = "SELECT metric, channel, dim, sum(n) FROM (SELECT metric, channel, dim, n FROM report_counts"
                + bucketsOf(q, tenant, range) + " UNION ALL SELECT metric, channel, dim, n FROM report_count_deltas"
                + bucketsOf(q, tenant, range) + ") c GROUP BY metric, channel, dim ORDER BY metric, channel, dim";
        return q.run(sql, rs -> {
            List<Count> counts = new ArrayList<>();
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
            return counts;
        });
    }

    static String bucketsOf(ReportQuery q, TenantId tenant, ReportRange range) {
        return " WHERE tenant_id = " + q.tenant(tenant) + " AND bucket >= " + q.at(range.from()) + " AND bucket < "
                + q.at(range.to()) + q.channel(range);
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
