package dev.switchboard.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.tenants.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The analytics reports of the caller's tenant (API key or agent token): JSON, or CSV with
 * {@code Accept: text/csv}. Definitions in the README's Analytics section.
 */
@Path("/api/v1/analytics")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
public class AnalyticsResource {
    private final AnalyticsQueries summaries;
    private final SeriesQueries series;
    private final AgentQueries agents;
    private final RequestTenant tenant;
    private final AnalyticsConfig config;

    AnalyticsResource(AnalyticsQueries summaries, SeriesQueries series, AgentQueries agents, RequestTenant tenant,
            AnalyticsConfig config) {
        this.summaries = summaries;
        this.series = series;
        this.agents = agents;
        this.tenant = tenant;
        this.config = config;
    }

    @GET
    @Path("/summary")
    @Operation(summary = "Conversations, messages, containment, handoffs, response and resolution times, delivery",
            description = "from and to: ISO instants or dates (a date as 'to' includes that day); tz: an IANA zone "
                    + "for dates (default UTC); channel: web or whatsapp. Ends move up to the next quarter hour.")
    public Response summary(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("channel") String channel, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ObjectNode report = summaries.summary(tenant.get(), ReportRange.parse(from, to, tz, channel, config.maxRange()));
        return answer(report, accept, Csv::pairs);
    }

    @GET
    @Path("/timeseries")
    @Operation(summary = "One metric per hour or day of the time zone", description = "metric: conversations_created, "
            + "conversations_resolved, handoffs, messages_from_customers, messages_from_bot, messages_from_agents, notes, "
            + "first_response_time, agent_reply_time, resolution_time; interval: hour or day.")
    public Response timeseries(@QueryParam("metric") String metric, @QueryParam("interval") String interval,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("channel") String channel, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ReportRange range = ReportRange.parse(from, to, tz, channel, config.maxRange());
        ObjectNode report = series.series(tenant.get(), range, metric, interval == null ? "day" : interval);
        return answer(report, accept, r -> Csv.table(r.path("points")));
    }

    @GET
    @Path("/agents")
    @Operation(summary = "Each agent's conversations assigned and resolved, first response and reply times, messages")
    public Response agents(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("channel") String channel, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ObjectNode report = agents.agents(tenant.get(), ReportRange.parse(from, to, tz, channel, config.maxRange()));
        return answer(report, accept, r -> Csv.table(r.path("items")));
    }

    private static Response answer(ObjectNode report, String accept, Function<ObjectNode, String> csv) {
        if (accept != null && accept.contains(Csv.MEDIA_TYPE)) {
            return Response.ok(csv.apply(report), Csv.MEDIA_TYPE + "; charset=utf-8").build();
        }
        return Response.ok(report, MediaType.APPLICATION_JSON).build();
    }
}
