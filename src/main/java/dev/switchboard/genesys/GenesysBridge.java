package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.ConversationState;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.InboundFields;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.outbox.NewEffect;
import dev.switchboard.processing.ExternalDesk;
import dev.switchboard.sessions.SessionState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Genesys tenant's processed events send to Genesys (ADR 0016): when the bot hands over, a
 * context message (the last turns and what the bot collected) and the customer's message; while the
 * conversation stays handed over, every customer message; when Switchboard ends it (a resolve, a
 * release), a disconnect. Each is an effect on channel {@code genesys}, in the outcome's transaction.
 */
@ApplicationScoped
class GenesysBridge implements ExternalDesk {
    static final String CHANNEL = "genesys";
    static final String MESSAGE = "genesys_message";
    static final String DISCONNECT = "genesys_disconnect";
    /** The customer's stable opaque id in Genesys: the session's, prefixed. */
    static final String CUSTOMER_PREFIX = "s";
    /** Set on a resolution that came from Genesys itself: nothing to disconnect there. */
    static final String FROM_GENESYS = "fromGenesys";
    private static final String HANDOFF = ConversationState.HANDOFF.wireName();
    /** The conversation machine's own bookkeeping, not something the customer told the bot. */
    private static final Set<String> BOOKKEEPING = Set.of("turns", "inARow", "handoff", "lastIntent", "lastStable");

    private final DeskProviders providers;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final GenesysConfig config;

    GenesysBridge(DeskProviders providers, EventStore events, ObjectMapper mapper, GenesysConfig config) {
        this.providers = providers;
        this.events = events;
        this.mapper = mapper;
        this.config = config;
    }

    @Override
    public List<NewEffect> effects(Turn turn) {
        SessionState prior = turn.prior();
        if (providers.genesysOf(prior.tenant()).isEmpty()) {
            return List.of();
        }
        StoredEvent event = turn.event();
        boolean wasHandedOff = HANDOFF.equals(prior.state());
        boolean handedOff = HANDOFF.equals(turn.stateAfter());
        List<NewEffect> effects = new ArrayList<>(2);
        if (EventTypes.USER_MESSAGE.equals(event.type()) && handedOff) {
            if (!wasHandedOff) {
                effects.add(message(prior, event, "-context", context(prior, event, turn.dataAfter())));
            }
            effects.add(message(prior, event, "", said(event)));
        } else if (wasHandedOff && !handedOff && (EventTypes.HANDOFF_RELEASED.equals(event.type())
                || EventTypes.CONVERSATION_RESOLVED.equals(event.type()))
                && !event.payload().path(FROM_GENESYS).asBoolean(false)) {
            effects.add(new NewEffect(DISCONNECT, mapper.createObjectNode().put("reason",
                    EventTypes.HANDOFF_RELEASED.equals(event.type()) ? "released" : "resolved"), CHANNEL));
        }
        return effects;
    }

    /** What the customer said; for content without text (an image, a location), what kind it was. */
    private static String said(StoredEvent event) {
        String text = event.payload().path(InboundFields.TEXT).asText("");
        return text.isBlank() ? "[" + event.payload().path(InboundFields.KIND).asText("message") + "]" : text;
    }

    /** One Open Messaging text; its message id is stable, so Genesys recognises a retry. */
    private NewEffect message(SessionState session, StoredEvent event, String suffix, String text) {
        ObjectNode payload = mapper.createObjectNode()
                .put("messageId", "sb-" + session.id() + "-" + event.seq() + suffix)
                .put("customerId", CUSTOMER_PREFIX + session.id())
                .put("time", event.createdAt().toString())
                .put("text", text);
        return new NewEffect(MESSAGE, payload, CHANNEL);
    }

    /** The bot's summary for the person who takes over: the last turns and the slots it collected. */
    private String context(SessionState session, StoredEvent event, Map<String, Object> data) {
        StringBuilder text = new StringBuilder("Handed over by the Switchboard bot (" + session.channel() + ").");
        List<StoredEvent> recent = events.recentMessages(session.id(), event.seq(), config.contextTurns());
        if (!recent.isEmpty()) {
            text.append("\nThe conversation so far:");
            for (StoredEvent turn : recent) {
                String said = turn.payload().path("text").asText("");
                if (!said.isEmpty()) {
                    text.append("\n").append(EventTypes.USER_MESSAGE.equals(turn.type()) ? "Customer: " : "Bot: ")
                            .append(said);
                }
            }
        }
        String slots = data.entrySet().stream().filter(e -> !BOOKKEEPING.contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        if (!slots.isEmpty()) {
            text.append("\nCollected: ").append(slots);
        }
        return text.toString();
    }
}
