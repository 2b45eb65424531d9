package dev.switchboard.tenants;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * In the dev profile only ({@code switchboard.dev.seed-demo}): a demo tenant and a well-known API
 * key, so the README's "try it" works at once.
 */
@ApplicationScoped
class DemoTenantSeeder {
    private static final Logger LOG = Logger.getLogger(DemoTenantSeeder.class);
    static final UUID DEMO_TENANT = UUID.fromString("00000000-0000-0000-0000-00000000d3e0");

    private final TenantDirectory directory;
    private final String demoKey;
    private final String port;
    private final boolean enabled;

    DemoTenantSeeder(TenantDirectory directory,
            @ConfigProperty(name = "switchboard.dev.seed-demo", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "switchboard.dev.demo-api-key", defaultValue = "sb_demo_key") String demoKey,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") String port) {
        this.directory = directory;
        this.demoKey = demoKey;
        this.port = port;
        this.enabled = enabled;
    }

    @Transactional
    void seed(@Observes StartupEvent ignored) {
        if (!enabled) {
            return;
        }
        if (Tenant.findById(DEMO_TENANT) == null) {
            Tenant tenant = new Tenant();
            tenant.id = DEMO_TENANT;
            tenant.name = "demo";
            tenant.createdAt = Instant.now();
            tenant.persist();
        }
        directory.storeKey(DEMO_TENANT, demoKey);
        LOG.infof("""
                Demo tenant ready. Try it: open http://localhost:%s/chat/ (the customer's chat), or
                  npx wscat -H 'Authorization: Bearer %s' -c ws://localhost:%s/ws/v1/chat/demo-1
                  then type: {"type":"message","id":"m1","text":"hello"}
                or: curl -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\
                      -H 'Idempotency-Key: demo-m1' -d '{"id":"m1","text":"hello"}' \\
                      localhost:%s/api/v1/sessions/demo-1/messages""",
                port, demoKey, port, demoKey, port);
    }
}
