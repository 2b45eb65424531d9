package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Open Messaging tells the bridge nothing when the Genesys side ends a conversation (ADR 0016), so
 * the conversations handed to Genesys are looked at every {@code switchboard.genesys.end-check-interval}:
 * once the customer's participant, or every agent who joined, is disconnected there, the
 * conversation is resolved here, in order with the session's messages, and the customer is back
 * with the bot.
 */
@ApplicationScoped
class GenesysEndings {
    private static final Logger LOG = Logger.getLogger(GenesysEndings.class);
    private static final int BATCH = 200;

    private final GenesysConversations conversations;
    private final DeskProviders providers;
    private final GenesysApi api;
    private final SessionStore sessions;
    private final EventStore events;
    private final ObjectMapper mapper;

    GenesysEndings(GenesysConversations conversations, DeskProviders providers, GenesysApi api, SessionStore sessions,
            EventStore events, ObjectMapper mapper) {
        this.conversations = conversations;
        this.providers = providers;
        this.api = api;
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
    }

    @Scheduled(every = "${switchboard.genesys.end-check-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        for (GenesysConversations.Open open : conversations.toCheck(BATCH)) {
            conversations.checked(open.genesysId());
            Optional<GenesysDesk> desk = providers.genesysOf(open.tenant());
            if (desk.isEmpty()) {
                conversations.ended(open.genesysId()); // the tenant left Genesys: nothing there to watch
                continue;
            }
            if (api.breakerOpen(desk.get())) {
                continue;
            }
            try {
                JsonNode conversation = api.get(desk.get(), "/api/v2/conversations/messages/" + open.genesysId());
                if (ended(conversation)) {
                    resolve(desk.get(), open);
                }
            } catch (GenesysError e) {
                if (e.status() == 404) {
                    resolve(desk.get(), open); // gone from Genesys: over there too
                } else {
                    LOG.warnf("could not check Genesys conversation %s (HTTP %d)", open.genesysId(), e.status());
                }
            } catch (RuntimeException e) {
                LOG.warnf("could not check Genesys conversation %s (%s)", open.genesysId(), e.getClass().getName());
            }
        }
    }

    /** Ended there: the customer left, or every agent who joined has left. */
    static boolean ended(JsonNode conversation) {
        boolean agentJoined = false;
        boolean agentConnected = false;
        for (JsonNode participant : conversation.path("participants")) {
            String purpose = participant.path("purpose").asText();
            boolean disconnected = "disconnected".equals(participant.path("state").asText())
                    || participant.hasNonNull("endTime");
            if ("customer".equals(purpose) && disconnected) {
                return true;
            }
            if ("agent".equals(purpose)) {
                agentJoined = true;
                agentConnected |= !disconnected;
            }
        }
        return agentJoined && !agentConnected;
    }

    private void resolve(GenesysDesk desk, GenesysConversations.Open open) {
        DatabaseScope.asTenant(desk.tenant(), () -> {
            Optional<SessionState> session = sessions.load(open.sessionId());
            session.ifPresent(s -> QuarkusTransaction.requiringNew().run(() -> {
                events.appendDeskEventInTransaction(s.address(), EventTypes.CONVERSATION_RESOLVED,
                        "genesys-end:" + open.genesysId(), mapper.createObjectNode()
                                .put("agentId", desk.agentId().toString()).put("agentName", "Genesys Cloud")
                                .put("conversationId", open.conversationId().toString())
                                .put(GenesysBridge.FROM_GENESYS, true), null);
                conversations.ended(open.genesysId());
            }));
        });
    }
}
