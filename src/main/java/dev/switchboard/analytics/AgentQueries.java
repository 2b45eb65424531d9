package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        perAgent(tenant, range, rows, "agent_id", "report_assignments", "assigned_at", "count(*)",
                (row, rs) -> row.put("conversationsAssigned", rs.getLong(2)));
        perAgent(tenant, range, rows, "resolved_by_id", "report_conversations", "resolved_at", "count(*)",
                (row, rs) -> row.put("conversationsResolved", rs.getLong(2)));
        perAgent(tenant, range, rows, "first_responder_id", "report_conversations", "first_response_at",
                DurationStats.select("first_response_ms"),
                (row, rs) -> DurationStats.read(rs, 2).writeTo(row.putObject("firstResponseTime")));
        perAgent(tenant, range, rows, "agent_id", "report_replies", "answered_at", DurationStats.select("reply_ms"),
                (row, rs) -> DurationStats.read(rs, 2).writeTo(row.putObject("agentReplyTime")));

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
                    DurationStats.NONE.writeTo(row.putObject(timedField));
                }
            }
            items.add(row);
        }
        return report;
    }

    /** Reads what {@code select} says per agent ({@code agent}) of {@code table}'s rows in the range into their rows. */
    private void perAgent(TenantId tenant, ReportRange range, Map<String, ObjectNode> rows, String agent, String table,
            String time, String select, RowWriter writer) {
        ReportQuery q = new ReportQuery(dataSource);
        q.run("SELECT " + agent + ", " + select + " FROM " + table + " WHERE tenant_id = " + q.tenant(tenant) + " AND "
                + time + " >= " + q.at(range.from()) + " AND " + time + " < " + q.at(range.to()) + q.channel(range)
                + " AND " + agent + " IS NOT NULL GROUP BY 1", rs -> {
                    while (rs.next()) {
                        ObjectNode row = rows.get(rs.getObject(1).toString());
                        if (row != null) {
                            writer.write(row, rs);
                        }
                    }
                    return null;
                });
    }

    private interface RowWriter {
        void write(ObjectNode row, ResultSet rs) throws SQLException;
    }
}
