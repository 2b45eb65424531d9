package dev.switchboard.tenants;

import dev.switchboard.ops.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * In the dev profile only ({@code switchboard.dev.seed-demo}): a fresh web session of the demo tenant
 * with its client token, so that {@code /chat/} works without a website behind it. Elsewhere 404.
 */
@Path("/chat/demo-session")
@Produces(MediaType.APPLICATION_JSON)
public class DemoChatResource {
    private final ClientTokens tokens;
    private final boolean enabled;

    DemoChatResource(ClientTokens tokens,
            @ConfigProperty(name = "switchboard.dev.seed-demo", defaultValue = "false") boolean enabled) {
        this.tokens = tokens;
        this.enabled = enabled;
    }

    @RegisterForReflection
    public record DemoSession(String session, String token) {
    }

    @POST
    @Operation(summary = "A demo chat session (dev profile only)", hidden = true)
    public DemoSession create() {
        if (!enabled) {
            throw ProblemException.notFound("There is no demo outside the dev profile.");
        }
        String session = "demo-" + UUID.randomUUID();
        return new DemoSession(session, tokens.issue(new TenantId(DemoTenantSeeder.DEMO_TENANT), session).token());
    }
}
