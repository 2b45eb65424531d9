package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.ops.RequestCorrelation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Meta's webhook for one channel (public: the signature is the authentication). A body is answered
 * 200 only after everything in it is committed, so Meta retries what a crash interrupted; its retry
 * of a stored body changes nothing and is answered 200 again.
 */
@Path("/webhooks/whatsapp/{channelId}")
public class WhatsAppWebhookResource {
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private final WhatsAppChannels channels;
    private final WhatsAppInbox inbox;
    private final WhatsAppConfig config;
    private final ObjectMapper mapper;
    private final RequestCorrelation correlation;
    private final MeterRegistry metrics;
    private final Timer latency;

    WhatsAppWebhookResource(WhatsAppChannels channels, WhatsAppInbox inbox, WhatsAppConfig config, ObjectMapper mapper,
            RequestCorrelation correlation, MeterRegistry metrics) {
        this.channels = channels;
        this.inbox = inbox;
        this.config = config;
        this.mapper = mapper;
        this.correlation = correlation;
        this.metrics = metrics;
        this.latency = Timer.builder("switchboard.whatsapp.webhook.latency")
                .description("Time to verify and commit one WhatsApp webhook body").publishPercentileHistogram()
                .register(metrics);
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Meta's verification handshake", description = "200 with hub.challenge when "
            + "hub.verify_token is the channel's verify token, else 403.")
    public Response verify(@PathParam("channelId") String channelId, @QueryParam("hub.mode") String mode,
            @QueryParam("hub.verify_token") String token, @QueryParam("hub.challenge") String challenge) {
        WhatsAppChannel channel = channel(channelId);
        boolean matches = token != null && MessageDigest.isEqual(channel.verifyToken().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !matches || challenge == null) {
            rejected("verify_token");
            return Response.status(403).type(MediaType.TEXT_PLAIN).entity("verification failed").build();
        }
        return Response.ok(challenge, MediaType.TEXT_PLAIN).build();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Meta's notifications: messages and statuses", description = "Signed with "
            + "X-Hub-Signature-256 (hex HMAC-SHA256 of the raw body with the app secret): 401 when missing or wrong, "
            + "404 for an unknown channel, 413 above 1 MiB, 400 when signed but not a WhatsApp payload; 200 once "
            + "every message and status in it is committed.")
    public Response receive(@PathParam("channelId") String channelId,
            @HeaderParam(SIGNATURE_HEADER) String signature, byte[] body) {
        long started = System.nanoTime();
        WhatsAppChannel channel = channel(channelId);
        if (body != null && body.length > config.maxWebhookBytes()) {
            rejected("too_large");
            throw new ProblemException(413, "payload-too-large", "Payload too large",
                    "Webhook bodies are limited to " + config.maxWebhookBytes() + " bytes.");
        }
        byte[] raw = body == null ? new byte[0] : body;
        if (!WebhookSignature.matches(channel.appSecret(), raw, signature)) {
            rejected("signature");
            throw ProblemException.unauthorized("A valid " + SIGNATURE_HEADER + " signature of the body is required.");
        }
        WebhookPayload payload;
        try {
            JsonNode root = mapper.readTree(raw);
            if (root == null) {
                throw new WebhookPayload.NotWhatsApp("an empty body");
            }
            payload = WebhookPayload.read(root, channel.phoneNumberId(), mapper);
        } catch (JsonProcessingException e) {
            rejected("not_json");
            throw ProblemException.badRequest("The body is not JSON.");
        } catch (WebhookPayload.NotWhatsApp e) {
            rejected("not_whatsapp");
            throw ProblemException.badRequest("Not a WhatsApp webhook payload: " + e.getMessage() + ".");
        } catch (java.io.IOException e) {
            rejected("not_json");
            throw ProblemException.badRequest("The body is not JSON.");
        }
        WhatsAppInbox.Stored stored = inbox.store(channel, payload, correlation.get());
        metrics.counter("switchboard.whatsapp.webhook.messages", "outcome", "stored").increment(stored.messages());
        metrics.counter("switchboard.whatsapp.webhook.messages", "outcome", "duplicate").increment(stored.duplicates());
        metrics.counter("switchboard.whatsapp.webhook.receipts").increment(stored.receipts());
        if (payload.otherPhoneNumbers > 0) {
            metrics.counter("switchboard.whatsapp.webhook.foreign.changes").increment(payload.otherPhoneNumbers);
        }
        latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        return Response.ok().build();
    }

    private WhatsAppChannel channel(String channelId) {
        UUID id = Params.pathId(channelId, "No WhatsApp channel " + channelId + ".");
        return channels.cachedById(id).orElseThrow(() -> ProblemException.notFound("No WhatsApp channel " + channelId + "."));
    }

    private void rejected(String reason) {
        metrics.counter("switchboard.whatsapp.webhook.rejected", "reason", reason).increment();
    }
}
