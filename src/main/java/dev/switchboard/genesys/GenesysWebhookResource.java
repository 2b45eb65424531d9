package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.conversations.AgentTyping;
import dev.switchboard.conversations.Conversation;
import dev.switchboard.conversations.ConversationStatus;
import dev.switchboard.conversations.CurrentConversations;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.MessageText;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.ops.RequestCorrelation;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.DatabaseScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.event.Event;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The Open Messaging integration's outbound notifications: {@code POST /webhooks/genesys/{deskId}}.
 * An agent's text becomes an agent message of the conversation, delivered on the customer's own
 * channel; an agent's typing reaches a web customer; receipts are counted. Answered only after the
 * message is committed, and 2xx for anything signed and JSON, even what it ignores (Genesys fails
 * the whole chat on an error answer); a repeated Genesys message id is stored once.
 */
@Path(GenesysWebhookResource.PATH_PREFIX + "{deskId}")
public class GenesysWebhookResource {
    static final String PATH_PREFIX = "/webhooks/genesys/";
    private static final Logger LOG = Logger.getLogger(GenesysWebhookResource.class);
    private static final int MAX_BODY = 1 << 20;
    private static final int MAX_TEXT_BYTES = 16_384;

    private final DeskProviders providers;
    private final SessionStore sessions;
    private final EventStore events;
    private final CurrentConversations conversations;
    private final GenesysConversations genesysConversations;
    private final Event<AgentTyping> typing;
    private final RequestCorrelation correlation;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;

    GenesysWebhookResource(DeskProviders providers, SessionStore sessions, EventStore events,
            CurrentConversations conversations, GenesysConversations genesysConversations, Event<AgentTyping> typing,
            RequestCorrelation correlation, ObjectMapper mapper, MeterRegistry metrics) {
        this.genesysConversations = genesysConversations;
        this.providers = providers;
        this.sessions = sessions;
        this.events = events;
        this.conversations = conversations;
        this.typing = typing;
        this.correlation = correlation;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response receive(@PathParam("deskId") String deskId,
            @HeaderParam(GenesysSignature.HEADER) String signature, byte[] body) {
        GenesysDesk desk = providers.genesysById(Params.pathId(deskId, "No Genesys desk " + deskId + "."))
                .orElseThrow(() -> ProblemException.notFound("No Genesys desk " + deskId + "."));
        byte[] raw = body == null ? new byte[0] : body;
        if (raw.length > MAX_BODY) {
            rejected("too_large");
            throw new ProblemException(413, "payload-too-large", "Payload too large",
                    "Webhook bodies are limited to " + MAX_BODY + " bytes.");
        }
        if (!GenesysSignature.matches(desk.webhookSecret(), raw, signature)) {
            rejected("signature");
            throw ProblemException.unauthorized("A valid " + GenesysSignature.HEADER + " signature of the body is required.");
        }
        JsonNode message;
        try {
            message = mapper.readTree(raw);
        } catch (IOException e) {
            message = null;
        }
        if (message == null || !message.isObject()) {
            rejected("not_json");
            throw ProblemException.badRequest("The body is not a JSON object.");
        }
        JsonNode notification = message;
        String outcome = DatabaseScope.asTenant(desk.tenant(), () -> handle(desk, notification));
        metrics.counter("switchboard.genesys.webhook.notifications", "outcome", outcome).increment();
        return Response.ok().build();
    }

    private static boolean withPeople(ConversationStatus status) {
        return status == ConversationStatus.PENDING || status == ConversationStatus.OPEN;
    }

    private String handle(GenesysDesk desk, JsonNode message) {
        String type = message.path("type").asText();
        if ("Receipt".equals(type)) {
            return "receipt";
        }
        Optional<SessionState> session = customer(message.path("channel").path("to").path("id").asText(""));
        if (session.isEmpty() || !session.get().tenant().equals(desk.tenant())) {
            return "unknown_customer";
        }
        Optional<Conversation> conversation = conversations.latest(session.get().id());
        // ended, or given back to the bot (its disconnect in Genesys may still be on its way): Genesys no
        // longer speaks for it
        if (conversation.isEmpty() || !withPeople(conversation.get().status())
                || genesysConversations.openOf(session.get().id()).isEmpty()) {
            return "not_with_genesys";
        }
        String agentName = agentName(message.path("channel").path("from"));
        if ("Event".equals(type)) {
            for (JsonNode event : message.path("events")) {
                if ("Typing".equals(event.path("eventType").asText())) {
                    typing.fire(new AgentTyping(session.get().address(), agentName));
                }
            }
            return "event";
        }
        if (!"Text".equals(type) || !"Outbound".equals(message.path("direction").asText("Outbound"))) {
            return "ignored";
        }
        String id = message.path("id").asText("");
        String text = message.path("text").asText("");
        if (id.isEmpty() || MessageText.problem("id", id) != null || MessageText.textProblem(text, MAX_TEXT_BYTES) != null) {
            LOG.warnf("Genesys message for session %d not stored: no id or no storable text", session.get().id());
            return "invalid";
        }
        ObjectNode payload = mapper.createObjectNode().put("agentId", desk.agentId().toString())
                .put("agentName", agentName).put("conversationId", conversation.get().id().toString())
                .put("text", text);
        boolean duplicate = QuarkusTransaction.requiringNew().call(() -> events.appendDeskEventInTransaction(
                session.get().address(), EventTypes.AGENT_MESSAGE, "genesys:" + id, payload, correlation.get()))
                .duplicate();
        return duplicate ? "duplicate" : "agent_message";
    }

    private Optional<SessionState> customer(String customerId) {
        if (!customerId.startsWith(GenesysBridge.CUSTOMER_PREFIX)) {
            return Optional.empty();
        }
        try {
            return sessions.load(Long.parseLong(customerId.substring(GenesysBridge.CUSTOMER_PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The Genesys agent's name as Genesys gives it (spelled nickname or nickName), else "Agent". */
    private static String agentName(JsonNode from) {
        String name = from.path("nickname").asText(from.path("nickName").asText(""));
        return name.isBlank() || MessageText.problem("name", name) != null ? "Agent"
                : name.substring(0, Math.min(name.length(), 100));
    }

    private void rejected(String reason) {
        metrics.counter("switchboard.genesys.webhook.rejected", "reason", reason).increment();
    }
}
