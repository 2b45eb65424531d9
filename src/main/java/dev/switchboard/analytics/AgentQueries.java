package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Each agent's numbers over a range: assigned, resolved, first response, reply time, messages sent. */
@ApplicationScoped
class AgentQueries {
    private final DataSource dataSource;
    private final ObjectMapper mapper;

    AgentQueries(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Transactional
    ObjectNode agents(TenantId tenant, ReportRange range) {
        Map<String, ObjectNode> rows = new LinkedHashMap<>();
        ReportQuery names = new ReportQuery(dataSource);
        names.run("SELECT id, name, deactivated_at IS NULL FROM agents WHERE tenant_id = " + names.tenant(tenant)
                + " ORDER BY name, id", rs -> {
                    while (rs.next()) {
                        ObjectNode row = mapper.createObjectNode().put("agentId", rs.getObject(1).toString())
                                .put("name", rs.getString(2)).put("active", rs.getBoolean(3))
                                .put("conversationsAssigned", 0).put("conversationsResolved", 0).put("messagesSent", 0);
                        rows.put(rs.getObject(1).toString(), row);
                    }
                    return null;
                });
        counted(tenant, range, rows, "conversationsAssigned", "agent_id", "report_assignments", "assigned_at");
        counted(tenant, range, rows, "conversationsResolved", "resolved_by_id", "report_conversations", "resolved_at");
        timed(tenant, range, rows, "firstResponseTime", "first_responder_id", "report_conversations",
                "first_response_at", "first_response_ms");
        timed(tenant, range, rows, "agentReplyTime", "agent_id", "report_replies", "answered_at", "reply_ms");

        ReportQuery sent = new ReportQuery(dataSource);
        sent.run("SELECT dim, sum(n) FROM report_counts" + sent.quarters(tenant, range) + " AND metric = "
                + sent.text(CountMetric.MESSAGES_AGENT.stored) + " GROUP BY dim", rs -> {
                    while (rs.next()) {
                        ObjectNode row = rows.get(rs.getString(1));
                        if (row != null) {
                            row.put("messagesSent", rs.getLong(2));
                        }
                    }
                    return null;
                });

        ObjectNode report = mapper.createObjectNode().put("from", range.from().toString())
                .put("to", range.to().toString()).put("tz", range.zone().getId()).put("channel", range.channel());
        ArrayNode items = report.putArray("items");
        for (ObjectNode row : rows.values()) {
            for (String timedField : new String[] {"firstResponseTime", "agentReplyTime"}) {
                if (!row.has(timedField)) {
                    new DurationStats(0, null, null, null).writeTo(row.putObject(timedField));
                }
            }
            items.add(row);
        }
        return report;
    }

    private void counted(TenantId tenant, ReportRange range, Map<String, ObjectNode> rows, String field, String agent,
            String table, String time) {
        ReportQuery q = new ReportQuery(dataSource);
        q.run("SELECT " + agent + ", count(*) FROM " + table + " WHERE tenant_id = " + q.tenant(tenant) + " AND " + time
                + " >= " + q.at(range.from()) + " AND " + time + " < " + q.at(range.to()) + q.channel(range) + " AND "
                + agent + " IS NOT NULL GROUP BY 1", rs -> {
                    while (rs.next()) {
                        ObjectNode row = rows.get(rs.getObject(1).toString());
                        if (row != null) {
                            row.put(field, rs.getLong(2));
                        }
                    }
                    return null;
                });
    }

    private void timed(TenantId tenant, ReportRange range, Map<String, ObjectNode> rows, String field, String agent,
            String table, String time, String millis) {
        ReportQuery q = new ReportQuery(dataSource);
        q.run("SELECT " + agent + ", " + DurationStats.select(millis) + " FROM " + table + " WHERE tenant_id = "
                + q.tenant(tenant) + " AND " + time + " >= " + q.at(range.from()) + " AND " + time + " < "
                + q.at(range.to()) + q.channel(range) + " AND " + agent + " IS NOT NULL GROUP BY 1", rs -> {
                    while (rs.next()) {
                        ObjectNode row = rows.get(rs.getObject(1).toString());
                        if (row != null) {
                            DurationStats.read(rs, 2).writeTo(row.putObject(field));
                        }
                    }
                    return null;
                });
    }
}
