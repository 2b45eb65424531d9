package dev.switchboard.desk;

import dev.switchboard.ops.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Who an agent token belongs to: the console signs in with it. */
@Path(AgentTokenCheck.ME_PATH)
@Produces(MediaType.APPLICATION_JSON)
public class DeskMeResource {
    private final RequestAgent requestAgent;

    DeskMeResource(RequestAgent requestAgent) {
        this.requestAgent = requestAgent;
    }

    @RegisterForReflection
    public record Me(UUID id, String name, String email) {
    }

    @GET
    @Operation(summary = "The agent of this token", description = "{id, name, email}; 400 for an API key, which is "
            + "no person.")
    public Me me() {
        DeskAgent agent = requestAgent.current().orElseThrow(() -> ProblemException.badRequest(
                "Only an agent token names a person; an API key acts for the whole tenant."));
        return new Me(agent.id(), agent.name(), agent.email());
    }
}
