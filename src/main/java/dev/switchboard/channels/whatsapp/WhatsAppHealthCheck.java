package dev.switchboard.channels.whatsapp;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Meta's Graph API never makes the service unready (every node would be taken out together): with
 * a phone number's breaker open its messages wait in the outbox, and readiness says degraded.
 */
@Readiness
@ApplicationScoped
@Startup
public class WhatsAppHealthCheck implements HealthCheck {
    private final WhatsAppSender sender;

    WhatsAppHealthCheck(WhatsAppSender sender, MeterRegistry registry) {
        this.sender = sender;
        Gauge.builder("switchboard.whatsapp.breakers.open", sender, WhatsAppSender::openBreakers)
                .description("Phone numbers whose circuit breaker holds their messages back").register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        int open = sender.openBreakers();
        return HealthCheckResponse.named("whatsapp-delivery").up().withData("openBreakers", open)
                .withData("degraded", open > 0).build();
    }
}
