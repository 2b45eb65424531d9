package dev.switchboard.channels.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.tenants.RequestTenant;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The REST face of a web-chat session: send messages, read state, the log and the effects. */
@Path("/api/v1/sessions/{key}")
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_ID_LENGTH = 255;

    private final EventStore events;
    private final SessionStore sessions;
    private final Outbox outbox;
    private final RequestTenant tenant;
    private final int maxTextBytes;

    SessionsResource(EventStore events, SessionStore sessions, Outbox outbox, RequestTenant tenant,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "switchboard.web.max-text-bytes",
                    defaultValue = "16384") int maxTextBytes) {
        this.events = events;
        this.sessions = sessions;
        this.outbox = outbox;
        this.tenant = tenant;
        this.maxTextBytes = maxTextBytes;
    }

    @RegisterForReflection
    public record SendMessage(String id, String text) {
    }

    @RegisterForReflection
    public record Accepted(long seq) {
    }

    @RegisterForReflection
    public record Page<T>(List<T> items) {
    }

    @RegisterForReflection
    public record EventItem(long seq, String type, JsonNode payload, String clientMsgId, String correlationId,
            Instant createdAt) {
    }

    @RegisterForReflection
    public record EffectItem(long seq, long replyTo, String type, String status, String text, JsonNode payload,
            int attempts, String lastError, Instant createdAt, Instant sentAt) {
    }

    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("key") String key, SendMessage body,
            @HeaderParam("X-Correlation-Id") String correlationId) {
        SessionAddress address = address(key);
        if (body == null) {
            throw ProblemException.badRequest("A JSON body {\"id\": \"…\", \"text\": \"…\"} is required.");
        }
        if (body.id() != null && (body.id().isEmpty() || body.id().length() > MAX_ID_LENGTH)) {
            throw ProblemException.badRequest("'id' must be 1 to " + MAX_ID_LENGTH + " characters.");
        }
        if (body.text() == null || body.text().isBlank()) {
            throw ProblemException.badRequest("'text' is required and must not be blank.");
        }
        if (body.text().getBytes(StandardCharsets.UTF_8).length > maxTextBytes) {
            throw ProblemException.badRequest("'text' is limited to " + maxTextBytes + " bytes.");
        }
        String correlation = correlationId != null && correlationId.length() <= 128 ? correlationId : null;
        AppendResult result = events.appendUserMessage(address, body.id(), body.text(), correlation);
        return Response.accepted(new Accepted(result.seq())).build();
    }

    @GET
    public SessionView session(@PathParam("key") String key) {
        return find(key);
    }

    @GET
    @Path("/events")
    public Page<EventItem> events(@PathParam("key") String key, @QueryParam("afterSeq") String afterSeq,
            @QueryParam("limit") String limit) {
        SessionView session = find(key);
        List<StoredEvent> page = events.page(session.id(), afterSeq(afterSeq), limit(limit));
        return new Page<>(page.stream().map(e -> new EventItem(e.seq(), e.type(), e.payload(), e.clientMsgId(),
                e.correlationId(), e.createdAt())).toList());
    }

    @GET
    @Path("/effects")
    public Page<EffectItem> effects(@PathParam("key") String key, @QueryParam("afterSeq") String afterSeq,
            @QueryParam("limit") String limit) {
        SessionView session = find(key);
        List<Effect> page = outbox.page(session.id(), afterSeq(afterSeq), Long.MAX_VALUE, limit(limit));
        return new Page<>(page.stream().map(e -> new EffectItem(e.seq(), e.replyTo(), e.type(), e.status(),
                e.payload().path("text").asText(null), e.payload(), e.attempts(), e.lastError(), e.createdAt(),
                e.sentAt())).toList());
    }

    private SessionView find(String key) {
        return sessions.find(address(key))
                .orElseThrow(() -> ProblemException.notFound("No session '" + key + "'."));
    }

    private SessionAddress address(String key) {
        String problem = SessionAddress.keyProblem(key);
        if (problem != null) {
            throw ProblemException.badRequest("Invalid session key: " + problem + ".");
        }
        return SessionAddress.web(tenant.get(), key);
    }

    private static long afterSeq(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ProblemException.badRequest("'afterSeq' must be a non-negative integer.");
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= MAX_LIMIT) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ProblemException.badRequest("'limit' must be an integer from 1 to " + MAX_LIMIT + ".");
    }
}
