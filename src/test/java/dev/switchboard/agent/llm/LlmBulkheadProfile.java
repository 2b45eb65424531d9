package dev.switchboard.agent.llm;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link LlmProfile} with timeouts longer than any test, so that a hanging model holds its calls
 * until the test releases it, and a breaker that never opens: what the bulkhead does is then the
 * only thing that decides who calls the model.
 */
public class LlmBulkheadProfile extends LlmProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("switchboard.agent.llm.timeout-ms", "60000");
        overrides.put("switchboard.agent.llm.total-timeout", "60s");
        overrides.put("switchboard.agent.llm.breaker-request-volume", "1000");
        return overrides;
    }
}
