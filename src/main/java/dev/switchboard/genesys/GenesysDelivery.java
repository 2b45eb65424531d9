package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.conversations.Conversation;
import dev.switchboard.conversations.CurrentConversations;
import dev.switchboard.outbox.ChannelDelivery;
import dev.switchboard.outbox.DeliveryDeferred;
import dev.switchboard.outbox.DeliveryOutcome;
import dev.switchboard.outbox.DeliveryRefused;
import dev.switchboard.outbox.Effect;
import dev.switchboard.tenants.DatabaseScope;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Sends the bridge's effects to Genesys through the outbox: inbound Open Messaging texts (their
 * answer names the Genesys conversation, recorded against Switchboard's), and the disconnect of the
 * customer's participant when Switchboard ended the conversation. A throttle (429) waits as long as
 * Genesys's Retry-After says without spending an attempt; a failure (5xx, no answer) is retried
 * with backoff and ends as a dead letter, except while the breaker is open, which spends no attempt;
 * a refusal of one message is a dead letter at once.
 */
@ApplicationScoped
class GenesysDelivery implements ChannelDelivery {
    private final DeskProviders providers;
    private final GenesysApi api;
    private final GenesysConversations conversations;
    private final CurrentConversations current;
    private final GenesysConfig config;
    private final ObjectMapper mapper;

    GenesysDelivery(DeskProviders providers, GenesysApi api, GenesysConversations conversations,
            CurrentConversations current, GenesysConfig config, ObjectMapper mapper) {
        this.providers = providers;
        this.api = api;
        this.conversations = conversations;
        this.current = current;
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public String channel() {
        return GenesysBridge.CHANNEL;
    }

    @Override
    public DeliveryOutcome deliver(Effect effect) throws Exception {
        GenesysDesk desk = providers.genesysOf(effect.address().tenant()).orElseThrow(() -> new DeliveryRefused(
                "desk_changed", "the tenant's desk is no longer Genesys", false));
        try {
            return DatabaseScope.asTenant(desk.tenant(), () -> send(desk, effect));
        } catch (CircuitBreakerOpenException open) {
            throw new DeliveryDeferred("the Genesys circuit breaker is open", config.breaker().delay());
        } catch (GenesysError error) {
            if (error.status() == 429) { // throttled: wait as told, without spending an attempt
                throw new DeliveryDeferred("Genesys HTTP 429", error.retryAfter().orElse(config.retryAfterDefault()));
            }
            if (error.transientFailure()) {
                throw outageOr(desk, new IOException(error.getMessage())); // counted, retried with backoff
            }
            throw new DeliveryRefused("http_" + error.status(), error.getMessage(), true);
        } catch (GenesysApi.GenesysUnavailable unavailable) {
            throw outageOr(desk, new IOException(unavailable.getMessage()));
        }
    }

    /**
     * A failure after which the breaker is open (the one that opened it, or a failed half-open probe)
     * is the outage's, not the message's: it waits like an open breaker and spends no attempt, so no
     * outage, however long, uses up a message's attempts one probe at a time.
     */
    private Exception outageOr(GenesysDesk desk, IOException failure) {
        return api.breakerOpen(desk)
                ? new DeliveryDeferred("the Genesys circuit breaker opened", config.breaker().delay())
                : failure;
    }

    private DeliveryOutcome send(GenesysDesk desk, Effect effect) {
        switch (effect.type()) {
            case GenesysBridge.MESSAGE -> sendMessage(desk, effect);
            case GenesysBridge.DISCONNECT -> disconnect(desk, effect);
            default -> throw new IllegalStateException("not a Genesys effect: " + effect.type());
        }
        return DeliveryOutcome.DELIVERED;
    }

    private void sendMessage(GenesysDesk desk, Effect effect) {
        JsonNode payload = effect.payload();
        ObjectNode body = mapper.createObjectNode();
        ObjectNode channel = body.putObject("channel");
        channel.put("platform", "Open").put("type", "Private").put("messageId", payload.path("messageId").asText())
                .put("time", payload.path("time").asText());
        channel.putObject("to").put("id", desk.integrationId());
        channel.putObject("from").put("id", payload.path("customerId").asText()).put("idType", "Opaque")
                .put("nickname", "Customer");
        body.put("type", "Text").put("text", payload.path("text").asText()).put("direction", "Inbound");
        JsonNode answer = api.post(desk, "/api/v2/conversations/messages/" + desk.integrationId()
                + "/inbound/open/message?prefetchConversationId=true", body);
        String genesysId = answer.path("conversationId").asText(null);
        if (genesysId != null && !genesysId.isEmpty()) {
            Optional<Conversation> ours = current.latest(effect.sessionId());
            ours.ifPresent(c -> conversations.record(genesysId, desk.tenant(), effect.sessionId(), c.id()));
        }
    }

    private void disconnect(GenesysDesk desk, Effect effect) {
        disconnect(desk, effect.sessionId());
    }

    /** Ends the customer's side of the session's Genesys conversation; nothing to do when none is open. */
    void disconnect(GenesysDesk desk, long sessionId) {
        Optional<GenesysConversations.Open> open = conversations.openOf(sessionId);
        if (open.isEmpty()) {
            return;
        }
        String id = open.get().genesysId();
        JsonNode conversation = api.get(desk, "/api/v2/conversations/messages/" + id);
        for (JsonNode participant : conversation.path("participants")) {
            if ("customer".equals(participant.path("purpose").asText())
                    && !"disconnected".equals(participant.path("state").asText())) {
                api.patch(desk, "/api/v2/conversations/messages/" + id + "/participants/"
                        + participant.path("id").asText(), mapper.createObjectNode().put("state", "disconnected"));
            }
        }
        conversations.ended(id);
    }
}
