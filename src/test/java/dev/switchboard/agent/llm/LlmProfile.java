package dev.switchboard.agent.llm;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs the service with the LLM agent pointed at the {@link FakeLlmServer}, with short fault-tolerance figures. */
public class LlmProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("switchboard.agent.llm.base-url", FakeLlmServer.get().baseUrl()),
                Map.entry("switchboard.agent.llm.model", "fake-model"),
                Map.entry("switchboard.agent.llm.timeout-ms", "1000"),
                Map.entry("switchboard.agent.llm.total-timeout", "1500ms"),
                Map.entry("switchboard.agent.llm.max-concurrent-calls", "2"),
                Map.entry("switchboard.agent.llm.retries", "2"),
                Map.entry("switchboard.agent.llm.retry-delay-ms", "20"),
                Map.entry("switchboard.agent.llm.retry-jitter-ms", "0"),
                Map.entry("switchboard.agent.llm.breaker-request-volume", "4"),
                Map.entry("switchboard.agent.llm.breaker-failure-ratio", "0.5"),
                Map.entry("switchboard.agent.llm.breaker-delay-ms", "3000"),
                Map.entry("switchboard.agent.llm.breaker-success-threshold", "1"));
    }
}
