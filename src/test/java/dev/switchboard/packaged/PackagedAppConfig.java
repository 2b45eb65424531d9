package dev.switchboard.packaged;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * What the packaged application (jar or native executable, prod profile) needs to start on this
 * machine, passed to it as system properties: its own schema, emptied at start, and the secrets the
 * prod profile refuses to start without (test values, never a real deployment's).
 */
public class PackagedAppConfig implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:5432/postgres?currentSchema=switchboard_it",
                "quarkus.datasource.username", "postgres",
                "quarkus.flyway.schemas", "switchboard_it",
                "quarkus.flyway.clean-at-start", "true",
                "quarkus.flyway.clean-disabled", "false",
                "quarkus.log.console.json.enabled", "false",
                "switchboard.admin.token", "test-admin-token",
                "switchboard.secrets.key", "aXQtb25seS1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWI=",
                "switchboard.auth.client-token-secret", "it-only-client-token-secret-0123456789");
    }

    @Override
    public void stop() {
    }
}
