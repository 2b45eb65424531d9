package dev.switchboard.channels.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.agent.ConversationState;
import dev.switchboard.conversations.MessageItem;
import dev.switchboard.customers.SessionCustomers;
import dev.switchboard.conversations.MessageLog;
import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.MessageText;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.idempotency.IdempotentRequests;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.ops.RequestCorrelation;
import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.EffectStatus;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.privacy.SessionErasure;
import dev.switchboard.processing.Quarantine;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.tenants.ClientTokens;
import dev.switchboard.tenants.IngressRateLimiter;
import dev.switchboard.tenants.RequestTenant;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

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
    private final IdempotentRequests idempotent;
    private final ObjectMapper mapper;
    private final IngressRateLimiter rateLimiter;
    private final RequestCorrelation correlation;
    private final ClientTokens tokens;
    private final SessionErasure erasure;
    private final Quarantine quarantine;
    private final MessageLog messageLog;
    private final SessionCustomers sessionCustomers;
    private final int maxTextBytes;

    static final String IDEMPOTENCY_DOC = "Idempotency-Key (required): 1-255 printable ASCII characters, bare or "
            + "as an RFC 8941 string, unique per tenant. A retry with the same key and request gets the first "
            + "response again with Idempotent-Replayed: true; the same key with a different request is 422; "
            + "while the first is executing, 409. Keys expire after 24 hours (switchboard.idempotency.ttl).";

    SessionsResource(EventStore events, SessionStore sessions, Outbox outbox, RequestTenant tenant,
            IdempotentRequests idempotent, ObjectMapper mapper, IngressRateLimiter rateLimiter,
            RequestCorrelation correlation, ClientTokens tokens, SessionErasure erasure, Quarantine quarantine,
            MessageLog messageLog, SessionCustomers sessionCustomers,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "switchboard.web.max-text-bytes",
                    defaultValue = "16384") int maxTextBytes) {
        this.events = events;
        this.sessions = sessions;
        this.outbox = outbox;
        this.tenant = tenant;
        this.idempotent = idempotent;
        this.mapper = mapper;
        this.rateLimiter = rateLimiter;
        this.correlation = correlation;
        this.tokens = tokens;
        this.erasure = erasure;
        this.quarantine = quarantine;
        this.messageLog = messageLog;
        this.sessionCustomers = sessionCustomers;
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
    public record EffectItem(long seq, long replyTo, String type, EffectStatus status, String text, JsonNode payload,
            int attempts, String lastError, Instant createdAt, Instant sentAt) {
    }

    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message", description = "Appends a user message to the session's log (created on "
            + "its first message) and answers 202 with its seq once it is committed. The same client id again "
            + "returns the same seq. " + IDEMPOTENCY_DOC)
    public Response send(@PathParam("key") String key, String body,
            @Parameter(description = IDEMPOTENCY_DOC, required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
            @Context UriInfo uri) {
        rateLimiter.acquireOrRefuse(tenant.get());
        return idempotent.execute(tenant.get().value(), idempotencyKey, "POST", uri.getPath(), body, () -> {
            SessionAddress address = webAddress(key);
            SendMessage message = parse(body);
            AppendResult result = events.appendUserMessageInTransaction(address, message.id(), message.text(),
                    correlation.get());
            return Response.accepted(new Accepted(result.seq())).build();
        });
    }

    @POST
    @Path("/client-tokens")
    @Operation(summary = "A short-lived token for a browser", description = "Scoped to this one session; the "
            + "WebSocket accepts it as Bearer or ?access_token=. The session need not exist yet. An optional body "
            + "{\"customer\": {\"externalId\", \"name\", \"email\", \"phone\"}} names the person, so they are "
            + "found across channels. " + IDEMPOTENCY_DOC)
    public Response clientToken(@PathParam("key") String key, String body,
            @Parameter(description = IDEMPOTENCY_DOC, required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return idempotent.execute(tenant.get().value(), idempotencyKey, "POST", uri.getPath(),
                body == null ? "" : body, () -> {
            SessionAddress address = webAddress(key);
            TokenRequest request = parseTokenRequest(body);
            if (request != null && request.customer() != null) {
                sessionCustomers.name(address, request.customer());
            }
            return Response.status(201).entity(tokens.issue(address.tenant(), key)).build();
        });
    }

    /** The optional body of a client token request: who the person is, when the site knows. */
    @RegisterForReflection
    public record TokenRequest(SessionCustomers.Named customer) {
    }

    private TokenRequest parseTokenRequest(String body) {
        return JsonBodies.optional(mapper, body, TokenRequest.class);
    }

    @POST
    @Path("/release")
    @Operation(summary = "Hand a session back to the bot", description = "Ends a handoff: an operator is done. "
            + "Appended to the log and processed in order like a message; 202 with its seq. " + IDEMPOTENCY_DOC)
    public Response release(@PathParam("key") String key,
            @Parameter(description = IDEMPOTENCY_DOC, required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return idempotent.execute(tenant.get().value(), idempotencyKey, "POST", uri.getPath(), "", () -> {
            SessionView session = find(key);
            // caught up and not with a person: nothing to end. Otherwise the release is processed in
            // order after what is still waiting, and does nothing if no handoff came before it
            if (session.caughtUp() && !ConversationState.HANDOFF.wireName().equals(session.state())) {
                throw new ProblemException(409, "not-handed-off", "Not handed off", "Session '" + key
                        + "' is with the bot (state '" + session.state() + "'): there is no handoff to end.");
            }
            AppendResult result = events.appendReleaseInTransaction(address(key), correlation.get());
            return Response.accepted(new Accepted(result.seq())).build();
        });
    }

    @POST
    @Path("/quarantine/retry")
    @Operation(summary = "Process a quarantined event again", description = "A session whose inbound event kept "
            + "failing is quarantined (status 'quarantined', 'quarantinedSeq'); this processes that event again, "
            + "e.g. after its cause was fixed. 202 with the event's seq; 409 when the session is not quarantined. "
            + IDEMPOTENCY_DOC)
    public Response retryQuarantined(@PathParam("key") String key,
            @Parameter(description = IDEMPOTENCY_DOC, required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return endQuarantine(key, Quarantine.Action.RETRY, idempotencyKey, uri);
    }

    @POST
    @Path("/quarantine/skip")
    @Operation(summary = "Skip a quarantined event", description = "Marks the quarantined event processed without "
            + "running it (no reply, no state change) and goes on with the next one. 202 with the skipped event's "
            + "seq; 409 when the session is not quarantined. " + IDEMPOTENCY_DOC)
    public Response skipQuarantined(@PathParam("key") String key,
            @Parameter(description = IDEMPOTENCY_DOC, required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return endQuarantine(key, Quarantine.Action.SKIP, idempotencyKey, uri);
    }

    private Response endQuarantine(String key, Quarantine.Action action, String idempotencyKey, UriInfo uri) {
        return idempotent.execute(tenant.get().value(), idempotencyKey, "POST", uri.getPath(), "", () -> {
            long seq = quarantine.end(find(key), tenant.get(), action, correlation.get())
                    .orElseThrow(() -> new ProblemException(409, "not-quarantined", "Not quarantined",
                            "Session '" + key + "' is not quarantined; there is no event to "
                                    + action.name().toLowerCase() + "."));
            return Response.accepted(new Accepted(seq)).build();
        });
    }

    private SendMessage parse(String body) {
        SendMessage message = JsonBodies.required(mapper, body, SendMessage.class,
                "A JSON body {\"id\": \"…\", \"text\": \"…\"} is required.");
        if (message.id() != null && (message.id().isEmpty() || message.id().length() > MAX_ID_LENGTH)) {
            throw ProblemException.badRequest("'id' must be 1 to " + MAX_ID_LENGTH + " characters.");
        }
        String problem = MessageText.problem("id", message.id());
        if (problem == null) {
            problem = MessageText.textProblem(message.text(), maxTextBytes);
        }
        if (problem != null) {
            throw ProblemException.badRequest(problem + ".");
        }
        return message;
    }

    @DELETE
    @Operation(summary = "Erase a session's personal content", description = "Message texts, replies and state "
            + "data are removed everywhere they are stored; an 'erased' event without content is recorded. 204.")
    public Response erase(@PathParam("key") String key) {
        erasure.erase(address(key));
        return Response.noContent().build();
    }

    @GET
    public SessionView session(@PathParam("key") String key) {
        return find(key);
    }

    @RegisterForReflection
    public record StateAt(long atSeq, String state, JsonNode data, long version) {
    }

    @GET
    @Path("/state")
    @Operation(summary = "The session's state as it was after event atSeq",
            description = "Rebuilt from the log alone (no agent runs); without atSeq, after the last event.")
    public StateAt stateAt(@PathParam("key") String key, @QueryParam("atSeq") String atSeq) {
        SessionView session = find(key);
        long seq = atSeq == null || atSeq.isEmpty() ? session.lastSeq() : afterSeq(atSeq);
        return events.lastSnapshotAtOrBefore(session.id(), seq)
                .map(e -> new StateAt(seq, e.payload().path("state").asText(), e.payload().path("data"),
                        e.payload().path("version").asLong()))
                .orElseGet(() -> new StateAt(seq, SessionStore.INITIAL_STATE, mapper.createObjectNode(), 0));
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
    @Path("/messages")
    @Operation(summary = "The conversation's messages with their delivery status", description = "What the "
            + "customer wrote (direction in) and what was said to them (out: pending, sent, delivered, read or failed "
            + "with the reason), ordered by the seq of their events; page with afterSeq and limit.")
    public Page<MessageItem> messages(@PathParam("key") String key, @QueryParam("afterSeq") String afterSeq,
            @QueryParam("limit") String limit) {
        SessionView session = find(key);
        return new Page<>(messageLog.page(session.id(), afterSeq(afterSeq), limit(limit)));
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

    /** The session a key names, in any channel: for reading and for operators' actions. */
    private SessionAddress address(String key) {
        String problem = SessionAddress.keyProblem(key);
        if (problem != null) {
            throw ProblemException.badRequest("Invalid session key: " + problem + ".");
        }
        return SessionAddress.ofKey(tenant.get(), key);
    }

    /** A web session's address: only web sessions take messages and client tokens through this API. */
    private SessionAddress webAddress(String key) {
        String problem = SessionAddress.webKeyProblem(key);
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
        throw ProblemException.badRequest("Sequence numbers ('afterSeq', 'atSeq') are non-negative integers.");
    }

    private static int limit(String value) {
        return Params.integer(value, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
    }
}
