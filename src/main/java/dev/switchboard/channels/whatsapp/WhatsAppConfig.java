package dev.switchboard.channels.whatsapp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.whatsapp")
public interface WhatsAppConfig {
    /**
     * The Graph API every channel sends to (env SWITCHBOARD_WHATSAPP_GRAPH_BASE_URL). One global
     * setting, never per tenant: a tenant must not be able to point the service at an internal address.
     */
    @WithDefault("https://graph.facebook.com/v21.0")
    String graphBaseUrl();

    /** Webhook bodies above this size are refused with 413. */
    @WithDefault("1048576")
    int maxWebhookBytes();

    /** The whole of one Graph API call, connection included (SmallRye Fault Tolerance timeout). */
    @WithDefault("10s")
    Duration sendTimeout();

    /** Wait before trying a send again that Meta throttled (130429, 80007); not counted as an attempt. */
    @WithDefault("2s")
    Duration throttleBackoff();

    /** Wait after Meta's pair rate limit (131056: too many messages to one person), so we do not hammer them. */
    @WithDefault("6s")
    Duration pairRateBackoff();

    Breaker breaker();

    /** One circuit breaker per phone number: 5xx answers and timeouts open it; 4xx answers do not. */
    interface Breaker {
        @WithDefault("10")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        /** How long it stays open; messages wait (queued, not dropped) and are tried again after it. */
        @WithDefault("30s")
        Duration delay();
    }
}
