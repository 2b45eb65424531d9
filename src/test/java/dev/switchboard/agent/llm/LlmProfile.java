package dev.switchboard.agent.llm;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs the service with the LLM agent pointed at the {@link FakeLlmServer}, with short fault-tolerance figures. */
public class LlmProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "switchboard.agent.llm.base-url", FakeLlmServer.get().baseUrl(),
                "switchboard.agent.llm.model", "fake-model",
                "switchboard.agent.llm.timeout-ms", "1000",
                "switchboard.agent.llm.retries", "2",
                "switchboard.agent.llm.retry-delay-ms", "20",
                "switchboard.agent.llm.retry-jitter-ms", "0",
                "switchboard.agent.llm.breaker-request-volume", "4",
                "switchboard.agent.llm.breaker-failure-ratio", "0.5",
                "switchboard.agent.llm.breaker-delay-ms", "3000",
                "switchboard.agent.llm.breaker-success-threshold", "1");
    }
}
