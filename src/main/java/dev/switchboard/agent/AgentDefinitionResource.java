package dev.switchboard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantDirectory;
import dev.switchboard.tenants.TenantId;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operator API: a tenant's classifier definition (intents, slots, threshold). Requires the admin token. */
@Path("/api/v1/admin/tenants/{id}/agent-definition")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AgentDefinitionResource {
    private final AgentDefinitions definitions;
    private final TenantDirectory directory;
    private final ObjectMapper mapper;

    AgentDefinitionResource(AgentDefinitions definitions, TenantDirectory directory, ObjectMapper mapper) {
        this.definitions = definitions;
        this.directory = directory;
        this.mapper = mapper;
    }

    @GET
    @Operation(summary = "The definition in force: the tenant's own, or the built-in one")
    public JsonNode get(@PathParam("id") String id) {
        return DatabaseScope.system("admin: read agent definition of tenant " + id,
                () -> definitions.json(directory.requireTenant(id)));
    }

    @PUT
    @Operation(summary = "Replace the tenant's definition", description = "Validated as a whole; a 400 lists "
            + "every problem and stores nothing.")
    public JsonNode put(@PathParam("id") String id, String body) {
        return DatabaseScope.system("admin: replace agent definition of tenant " + id, () -> store(id, body));
    }

    private JsonNode store(String id, String body) {
        TenantId tenant = directory.requireTenant(id);
        JsonNode json = JsonBodies.tree(mapper, body);
        try {
            definitions.store(tenant, json);
        } catch (IntentDefinition.Invalid invalid) {
            throw new ProblemException(400, "invalid-agent-definition", "Invalid agent definition",
                    String.join("; ", invalid.problems()));
        }
        return json;
    }
}
