package dev.switchboard.agent.llm;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The LLM never makes the service unready: with the breaker open it is degraded, and the classifier answers. */
@Readiness
@ApplicationScoped
public class LlmHealthCheck implements HealthCheck {
    private final LlmAnswerer answerer;

    LlmHealthCheck(LlmAnswerer answerer) {
        this.answerer = answerer;
    }

    @Override
    public HealthCheckResponse call() {
        CircuitBreakerState state = answerer.breakerState();
        return HealthCheckResponse.named("llm-agent").up()
                .withData("enabled", answerer.enabled())
                .withData("breaker", state.name().toLowerCase())
                .withData("degraded", answerer.enabled() && state != CircuitBreakerState.CLOSED)
                .build();
    }
}
