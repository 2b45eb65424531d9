package dev.switchboard.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.desk.DeskAgent;
import dev.switchboard.desk.DeskAgents;
import dev.switchboard.desk.RequestAgent;
import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.MessageText;
import dev.switchboard.events.NewEvent;
import dev.switchboard.idempotency.IdempotentRequests;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.ops.RequestCorrelation;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.RequestTenant;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.event.Event;
import jakarta.ws.rs.Consumes;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The desk's API: the inbox of conversations and what a person does with one. Authenticated by an
 * agent token (the acting agent) or a tenant API key (an integration, which names the acting agent
 * with {@code agentId}). Every action locks the conversation's session first, like processing does,
 * and refuses a resolved conversation with 409.
 */
@Path("/api/v1/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationsResource {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final int MAX_ID = 255;

    private final ConversationStore store;
    private final ConversationTracker tracker;
    private final MessageLog messageLog;
    private final SessionStore sessions;
    private final EventStore events;
    private final DeskAgents agents;
    private final RequestAgent requestAgent;
    private final RequestTenant tenant;
    private final IdempotentRequests idempotent;
    private final RequestCorrelation correlation;
    private final ObjectMapper mapper;
    private final int maxTextBytes;
    private final Event<AgentTyping> typing;

    ConversationsResource(ConversationStore store, ConversationTracker tracker, MessageLog messageLog,
            SessionStore sessions, EventStore events, DeskAgents agents, RequestAgent requestAgent,
            RequestTenant tenant, IdempotentRequests idempotent, RequestCorrelation correlation, ObjectMapper mapper,
            Event<AgentTyping> typing,
            @ConfigProperty(name = "switchboard.web.max-text-bytes", defaultValue = "16384") int maxTextBytes) {
        this.typing = typing;
        this.store = store;
        this.tracker = tracker;
        this.messageLog = messageLog;
        this.sessions = sessions;
        this.events = events;
        this.agents = agents;
        this.requestAgent = requestAgent;
        this.tenant = tenant;
        this.idempotent = idempotent;
        this.correlation = correlation;
        this.mapper = mapper;
        this.maxTextBytes = maxTextBytes;
    }

    @RegisterForReflection
    public record Inbox(List<Conversation> items, String next) {
    }

    @RegisterForReflection
    public record Accepted(long seq) {
    }

    @RegisterForReflection
    public record Page(List<MessageItem> items) {
    }

    @GET
    @Operation(summary = "The inbox", description = "status (bot, pending, open, resolved), assignee (me, none or an "
            + "agent id), channel, q (customer name, phone or message text); pending first, oldest waiting on top. "
            + "Paged with limit and the 'next' of the previous page.")
    public Inbox inbox(@QueryParam("status") String status, @QueryParam("assignee") String assignee,
            @QueryParam("channel") String channel, @QueryParam("q") String q, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        ConversationStatus wanted = null;
        if (status != null && !status.isEmpty()) {
            try {
                wanted = ConversationStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("'status' is one of bot, pending, open, resolved.");
            }
        }
        UUID assigneeId = null;
        if ("me".equals(assignee)) {
            assigneeId = requestAgent.current().map(DeskAgent::id).orElseThrow(() -> ProblemException.badRequest(
                    "'assignee=me' needs an agent token; an integration names the agent by id."));
        } else if (assignee != null && !assignee.isEmpty() && !"none".equals(assignee)) {
            assigneeId = Params.uuid(assignee, "'assignee' is me, none or an agent id.");
        }
        if (channel != null && !channel.isEmpty() && !channel.equals(SessionAddress.WEB)
                && !channel.equals(SessionAddress.WHATSAPP)) {
            throw ProblemException.badRequest("'channel' is web or whatsapp.");
        }
        String search = q == null || q.isBlank() ? null : q.trim();
        if (search != null && search.length() > 200) {
            throw ProblemException.badRequest("'q' is limited to 200 characters.");
        }
        int size = Params.integer(limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
        int offset = Params.integer(cursor, 0, 0, Integer.MAX_VALUE, "cursor");
        List<Conversation> found = store.inbox(wanted, "none".equals(assignee) ? "none" : null, assigneeId,
                channel == null || channel.isEmpty() ? null : channel, search, offset, size + 1);
        List<Conversation> page = found.size() > size ? found.subList(0, size) : found;
        return new Inbox(page, found.size() > size ? String.valueOf(offset + size) : null);
    }

    @GET
    @Path("/{id}")
    public Conversation conversation(@PathParam("id") String id) {
        return find(id).conversation();
    }

    @GET
    @Path("/{id}/messages")
    @Operation(summary = "The conversation's messages and notes", description = "The message view of the session "
            + "limited to this episode, with internal notes (direction 'note'); include=state adds the bot's state "
            + "changes (direction 'state', text 'from → to (event)').")
    public Page messages(@PathParam("id") String id, @QueryParam("afterSeq") String afterSeq,
            @QueryParam("limit") String limit, @QueryParam("include") String include) {
        if (include != null && !include.isEmpty() && !"state".equals(include)) {
            throw ProblemException.badRequest("'include' is state, or absent.");
        }
        ConversationStore.Found found = find(id);
        long from = Math.max(found.conversation().firstSeq() - 1,
                Params.integer(afterSeq, 0, 0, Integer.MAX_VALUE, "afterSeq"));
        long before = store.nextFirstSeq(found.sessionId(), found.conversation().firstSeq()).orElse(Long.MAX_VALUE);
        return new Page(messageLog.page(found.sessionId(), from, before, true, "state".equals(include),
                Params.integer(limit, 100, 1, 1000, "limit")));
    }

    @RegisterForReflection
    public record BotState(String state, Map<String, Object> data) {
    }

    @GET
    @Path("/{id}/state")
    @Operation(summary = "The bot's state of the conversation's session", description = "{state, data}: where the "
            + "bot's flow is and what it collected (booking slots), as the desk sees it beside the transcript.")
    public BotState state(@PathParam("id") String id) {
        ConversationStore.Found found = find(id);
        return sessions.find(new SessionAddress(tenant.get(), found.conversation().channel(),
                found.conversation().sessionKey())).map(view -> new BotState(view.state(), view.data()))
                .orElseThrow(() -> ProblemException.notFound("No session for conversation " + id + "."));
    }

    @POST
    @Path("/{id}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim, transfer or unassign", description = "Body {agentId} (null unassigns). A pending "
            + "conversation becomes open; unassigning an open one makes it pending again. 409 when resolved.")
    public Response assign(@PathParam("id") String id, String body,
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return action(idempotencyKey, uri, body, () -> {
            JsonNode request = json(body);
            JsonNode target = request.path("agentId");
            if (target.isMissingNode()) {
                throw ProblemException.badRequest("'agentId' is required (null unassigns).");
            }
            UUID assignee = target.isNull() ? null
                    : agent(Params.uuid(target.asText(), "'agentId' is an agent id or null.")).id();
            UUID by = requestAgent.current().map(DeskAgent::id).orElse(null);
            Locked locked = lock(id);
            Conversation c = locked.found().conversation();
            ConversationStatus to = switch (c.status()) {
                case PENDING, OPEN -> assignee == null ? ConversationStatus.PENDING : ConversationStatus.OPEN;
                default -> c.status(); // the bot keeps answering until the person replies
            };
            tracker.changedByDesk(locked.address(), locked.found().sessionId(), c, to, assignee, by,
                    assignee == null ? "unassigned" : (c.assigneeId() == null ? "claimed" : "transferred"));
            return Response.ok(store.find(c.id()).orElseThrow().conversation()).build();
        });
    }

    @POST
    @Path("/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reply to the customer", description = "Body {id, text, agentId?}. Delivered on the "
            + "customer's channel (web socket, WhatsApp) as the agent; the bot stays silent from now on. 202 {seq}.")
    public Response reply(@PathParam("id") String id, String body,
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return action(idempotencyKey, uri, body, () -> {
            JsonNode request = json(body);
            String text = text(request);
            String clientId = clientId(request);
            DeskAgent acting = acting(request);
            Locked locked = lock(id);
            AppendResult result = events.appendDeskEventInTransaction(locked.address(), EventTypes.AGENT_MESSAGE,
                    clientId, byAgent(acting, locked).put("text", text), correlation.get());
            return Response.accepted(new Accepted(result.seq())).build();
        });
    }

    @POST
    @Path("/{id}/typing")
    @Operation(summary = "Tell the customer a person is typing", description = "Ephemeral: a typing frame with the "
            + "agent's name to the customer's open web chat sockets; nothing is stored, WhatsApp shows nothing. "
            + "Body {agentId?} for an API key. No Idempotency-Key. 204; 409 when the conversation is resolved.")
    public Response typing(@PathParam("id") String id, String body) {
        DeskAgent acting = acting(json(body));
        ConversationStore.Found found = find(id);
        if (found.conversation().status() == ConversationStatus.RESOLVED) {
            throw resolved();
        }
        typing.fire(new AgentTyping(new SessionAddress(tenant.get(), found.conversation().channel(),
                found.conversation().sessionKey()), acting.name()));
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Leave an internal note", description = "Body {id, text, agentId?}. Never delivered to the "
            + "customer. 201 {seq}.")
    public Response note(@PathParam("id") String id, String body,
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return action(idempotencyKey, uri, body, () -> {
            JsonNode request = json(body);
            String text = text(request);
            DeskAgent acting = acting(request);
            Locked locked = lock(id);
            long seq = events.appendRecord(tenant.get(), locked.found().sessionId(), new NewEvent(EventTypes.AGENT_NOTE,
                    byAgent(acting, locked).put("text", text)), correlation.get());
            tracker.noted(locked.address(), locked.found().sessionId(), locked.found().conversation(), seq,
                    acting.id(), acting.name(), text);
            return Response.status(201).entity(new Accepted(seq)).build();
        });
    }

    @POST
    @Path("/{id}/resolve")
    @Operation(summary = "Resolve the conversation", description = "Processed in order with the session's messages: "
            + "the conversation is resolved and the bot reset; the customer's next message starts a new one. 202 {seq}.")
    public Response resolve(@PathParam("id") String id, String body,
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return action(idempotencyKey, uri, body, () -> {
            DeskAgent acting = acting(json(body));
            Locked locked = lock(id);
            AppendResult result = events.appendDeskEventInTransaction(locked.address(), EventTypes.CONVERSATION_RESOLVED,
                    null, byAgent(acting, locked), correlation.get());
            return Response.accepted(new Accepted(result.seq())).build();
        });
    }

    @POST
    @Path("/{id}/release")
    @Operation(summary = "Give the conversation back to the bot", description = "A pending or open conversation "
            + "goes back to the bot (processed in order like a message). 202 {seq}.")
    public Response release(@PathParam("id") String id, String body,
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return action(idempotencyKey, uri, body, () -> {
            Locked locked = lock(id);
            return Response.accepted(new Accepted(events.appendReleaseInTransaction(locked.address(),
                    correlation.get()).seq())).build();
        });
    }

    /** A desk action under the request's Idempotency-Key: a repeat gets the first one's answer. */
    private Response action(String idempotencyKey, UriInfo uri, String body, Supplier<Response> command) {
        return idempotent.execute(tenant.get().value(), idempotencyKey, "POST", uri.getPath(), body, command);
    }

    private record Locked(ConversationStore.Found found, SessionAddress address) {
    }

    /** What every desk event says of who acted and on which conversation (processing checks the latter). */
    private ObjectNode byAgent(DeskAgent acting, Locked locked) {
        return mapper.createObjectNode().put("agentId", acting.id().toString()).put("agentName", acting.name())
                .put("conversationId", locked.found().conversation().id().toString());
    }

    /** The conversation with its session locked and its status read under the lock; 409 when resolved. */
    private Locked lock(String id) {
        ConversationStore.Found before = find(id);
        SessionAddress address = new SessionAddress(tenant.get(), before.conversation().channel(),
                before.conversation().sessionKey());
        sessions.lock(address);
        ConversationStore.Found found = store.find(before.conversation().id()).orElseThrow();
        if (found.conversation().status() == ConversationStatus.RESOLVED) {
            throw resolved();
        }
        return new Locked(found, address);
    }

    private static ProblemException resolved() {
        return new ProblemException(409, "conversation-resolved", "Conversation resolved",
                "This conversation is resolved; the customer's next message starts a new one.");
    }

    private ConversationStore.Found find(String id) {
        UUID conversationId = Params.pathId(id, "No conversation " + id + ".");
        return store.find(conversationId).orElseThrow(() -> ProblemException.notFound("No conversation " + id + "."));
    }

    /** The agent acting: the token's, or the one an integration names (which must be active in the tenant). */
    private DeskAgent acting(JsonNode request) {
        if (requestAgent.current().isPresent()) {
            return requestAgent.current().get();
        }
        JsonNode named = request.path("agentId");
        if (!named.isTextual()) {
            throw ProblemException.badRequest("An API key names the acting agent with 'agentId'.");
        }
        return agent(Params.uuid(named.asText(), "'agentId' is an agent id."));
    }

    private DeskAgent agent(UUID id) {
        return agents.active(id).orElseThrow(() -> ProblemException.notFound("No active agent " + id + "."));
    }

    private String text(JsonNode request) {
        JsonNode node = request.path("text");
        String text = node.isTextual() ? node.asText() : null;
        String problem = MessageText.textProblem(text, maxTextBytes);
        if (problem != null) {
            throw ProblemException.badRequest(problem + ".");
        }
        return text;
    }

    private static String clientId(JsonNode request) {
        JsonNode node = request.path("id");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String id = node.asText();
        if (!node.isTextual() || id.isEmpty() || id.length() > MAX_ID || MessageText.problem("id", id) != null) {
            throw ProblemException.badRequest("'id' must be 1 to " + MAX_ID + " characters.");
        }
        return "desk:" + id;
    }

    private JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode node = JsonBodies.tree(mapper, body);
        if (!node.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object.");
        }
        return node;
    }


}
