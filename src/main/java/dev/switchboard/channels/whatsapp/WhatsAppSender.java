package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.InboundFields;
import dev.switchboard.outbox.ChannelDelivery;
import dev.switchboard.outbox.DeliveryDeferred;
import dev.switchboard.outbox.DeliveryOutcome;
import dev.switchboard.outbox.DeliveryRefused;
import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.MessageStatuses;
import dev.switchboard.sessions.SessionAddress;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Delivers the effects of WhatsApp sessions through the Graph API: replies as text messages (their
 * wamid recorded, so receipts find them), read receipts for the messages processed. Each phone number
 * has its own circuit breaker (Meta's 5xx answers and timeouts open it, 4xx answers do not) and its
 * own send rate. What Meta refuses is sorted into: wait and try again (throttles, an open breaker and
 * the failures that leave it open: not counted as attempts), retry with backoff (5xx, timeouts),
 * failed for good (131047: the person's 24-hour window closed) or a dead letter (other 4xx, e.g. a
 * revoked token).
 */
@ApplicationScoped
class WhatsAppSender implements ChannelDelivery {
    private static final String BEARER = "Bearer ";

    private final WhatsAppChannels channels;
    private final MessageStatuses statuses;
    private final WhatsAppConfig config;
    private final ObjectMapper mapper;
    private final GraphApi graph;
    private final SendPacer pacer = new SendPacer();
    private final ConcurrentHashMap<String, Guard> guards = new ConcurrentHashMap<>();
    /**
     * When each phone number's breaker last opened, until it closes. The breaker itself moves to
     * half-open only on the next call, so "open" is counted for its delay: while it holds messages back.
     */
    private final ConcurrentHashMap<String, Long> breakerOpenedAt = new ConcurrentHashMap<>();

    WhatsAppSender(WhatsAppChannels channels, MessageStatuses statuses, WhatsAppConfig config, ObjectMapper mapper) {
        this.channels = channels;
        this.statuses = statuses;
        this.config = config;
        this.mapper = mapper;
        long timeoutMillis = config.sendTimeout().toMillis();
        this.graph = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.graphBaseUrl()))
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .build(GraphApi.class);
    }

    @Override
    public String channel() {
        return SessionAddress.WHATSAPP;
    }

    @Override
    public DeliveryOutcome deliver(Effect effect) throws Exception {
        if (!Effect.MESSAGE.equals(effect.type()) && !Effect.READ_RECEIPT.equals(effect.type())) {
            return DeliveryOutcome.DELIVERED; // a state change: nothing to tell the person
        }
        WhatsAppKey key = WhatsAppKey.parse(effect.address().key())
                .orElseThrow(() -> new DeliveryRefused("invalid_session_key", "not a WhatsApp session key", true));
        WhatsAppChannel channel = channels.cachedByPhoneNumberId(key.phoneNumberId())
                .filter(c -> c.tenant().equals(effect.address().tenant()))
                .orElseThrow(() -> new DeliveryRefused("channel_removed",
                        "the session's WhatsApp channel is not configured", true));
        ObjectNode body = mapper.createObjectNode().put("messaging_product", "whatsapp");
        if (Effect.READ_RECEIPT.equals(effect.type())) {
            if (!channel.markRead()) {
                return DeliveryOutcome.DELIVERED;
            }
            body.put("status", "read").put("message_id", effect.payload().path(InboundFields.EXTERNAL_ID).asText());
        } else {
            body.put("recipient_type", "individual").put("to", key.waId()).put("type", "text");
            body.putObject("text").put("preview_url", false).put("body", effect.payload().path("text").asText(""));
        }
        pacer.await(channel.phoneNumberId(), channel.sendRate());
        JsonNode answer = call(channel, body);
        if (Effect.READ_RECEIPT.equals(effect.type())) {
            return DeliveryOutcome.DELIVERED;
        }
        String wamid = answer == null ? null : answer.path("messages").path(0).path("id").asText(null);
        if (wamid == null || wamid.isEmpty()) {
            throw new IllegalStateException("the Graph API accepted a message without naming it");
        }
        statuses.confirmSent(effect, wamid);
        return DeliveryOutcome.CONFIRMED;
    }

    private JsonNode call(WhatsAppChannel channel, ObjectNode body) throws Exception {
        Guard guard = guards.computeIfAbsent(channel.phoneNumberId(), this::guard);
        try {
            return guard.call(() -> graph.messages(channel.phoneNumberId(), BEARER + channel.accessToken(), body),
                    JsonNode.class);
        } catch (CircuitBreakerOpenException open) {
            throw new DeliveryDeferred("circuit breaker of the phone number is open", config.breaker().delay());
        } catch (GraphError error) {
            if (error.pairRateLimited()) {
                throw new DeliveryDeferred("131056: pair rate limit", config.pairRateBackoff());
            }
            if (error.throttled()) {
                throw new DeliveryDeferred(error.code() + ": throttled", config.throttleBackoff());
            }
            if (error.windowClosed()) {
                throw new DeliveryRefused("131047", "more than 24 hours since the customer last wrote", false);
            }
            if (error.serverSide()) {
                throw outageOr(channel.phoneNumberId(), error);
            }
            throw new DeliveryRefused(error.code() == 0 ? "http_" + error.status() : String.valueOf(error.code()),
                    Optional.ofNullable(error.title()).orElse("refused by the Graph API (HTTP " + error.status() + ")"),
                    true);
        } catch (Exception e) {
            throw countsAgainstBreaker(e) ? outageOr(channel.phoneNumberId(), e) : e;
        } finally {
            // the timeout interrupts the calling thread (a delivery lane); the lane must not keep the flag
            Thread.interrupted();
        }
    }

    /**
     * A failure after which the breaker is open (the one that opened it, or a failed half-open probe)
     * is the outage's, not the message's: it waits like an open breaker and spends no attempt, so no
     * outage, however long, uses up a message's attempts one probe at a time.
     */
    private Exception outageOr(String phoneNumberId, Exception failure) {
        Long opened = breakerOpenedAt.get(phoneNumberId);
        return opened != null && holdsBack(opened, System.nanoTime())
                ? new DeliveryDeferred("circuit breaker of the phone number opened", config.breaker().delay())
                : failure;
    }

    private Guard guard(String phoneNumberId) {
        WhatsAppConfig.Breaker breaker = config.breaker();
        return Guard.create()
                .withDescription("whatsapp:" + phoneNumberId)
                .withCircuitBreaker()
                    .requestVolumeThreshold(breaker.requestVolume())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .when(WhatsAppSender::countsAgainstBreaker)
                    .onStateChange(state -> {
                        if (state == CircuitBreakerState.OPEN) {
                            breakerOpenedAt.put(phoneNumberId, System.nanoTime());
                        } else if (state == CircuitBreakerState.CLOSED) {
                            breakerOpenedAt.remove(phoneNumberId);
                        }
                    })
                    .done()
                .withTimeout().duration(config.sendTimeout().toMillis(), ChronoUnit.MILLIS).done()
                .build();
    }

    /** How many phone numbers' breakers hold their messages back now. */
    int openBreakers() {
        long now = System.nanoTime();
        return (int) breakerOpenedAt.values().stream().filter(opened -> holdsBack(opened, now)).count();
    }

    /** Whether a breaker that opened at {@code opened} still holds messages back: for its delay. */
    private boolean holdsBack(long opened, long now) {
        return now - opened < config.breaker().delay().toNanos();
    }

    /** Only Meta's own failures open the breaker; a refusal of one message says nothing about the number. */
    private static boolean countsAgainstBreaker(Throwable failure) {
        if (failure instanceof GraphError error) {
            return error.serverSide();
        }
        return failure instanceof ProcessingException
                || failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || failure instanceof java.io.IOException;
    }

    /** The parts of a WhatsApp session key: {@code wa:{phoneNumberId}:{waId}}. */
    record WhatsAppKey(String phoneNumberId, String waId) {
        static Optional<WhatsAppKey> parse(String key) {
            if (!key.startsWith(SessionAddress.WHATSAPP_KEY_PREFIX)) {
                return Optional.empty();
            }
            String[] parts = key.substring(SessionAddress.WHATSAPP_KEY_PREFIX.length()).split(":", -1);
            return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()
                    ? Optional.of(new WhatsAppKey(parts[0], parts[1])) : Optional.empty();
        }
    }
}
