package dev.switchboard.tenants;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A low ingress limit, so that a test can exceed it. */
public class RateLimitProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("switchboard.rate-limit.messages-per-second", "1", "switchboard.rate-limit.burst", "5");
    }
}
