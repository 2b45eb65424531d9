package dev.switchboard.desk;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.MessageText;
import dev.switchboard.idempotency.IdempotentRequests;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantDirectory;
import dev.switchboard.tenants.TenantId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Operator API of a tenant's desk agents (admin token). */
@Path("/api/v1/admin/tenants/{tenantId}/agents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AgentAdminResource {
    private static final int MAX_FIELD = 200;

    private final DeskAgents agents;
    private final TenantDirectory directory;
    private final IdempotentRequests idempotent;
    private final ObjectMapper mapper;

    AgentAdminResource(DeskAgents agents, TenantDirectory directory, IdempotentRequests idempotent,
            ObjectMapper mapper) {
        this.agents = agents;
        this.directory = directory;
        this.idempotent = idempotent;
        this.mapper = mapper;
    }

    @RegisterForReflection
    public record NewAgent(String name, String email) {
    }

    @RegisterForReflection
    public record CreatedAgent(UUID id, String name, String email, String token) {
    }

    @POST
    @Operation(summary = "Add a desk agent", description = "Body {name, email}. 201 with the agent's token, shown "
            + "only here (stored hashed); 409 when the email belongs to another agent of the tenant. Requires "
            + "the admin token and an Idempotency-Key.")
    public Response create(@PathParam("tenantId") String tenantId, String body,
            @Parameter(description = "Required; see POST /api/v1/sessions/{key}/messages", required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        TenantId tenant = tenant(tenantId);
        return DatabaseScope.system("admin: add an agent to tenant " + tenant, () -> idempotent.execute(
                IdempotentRequests.ADMIN_SCOPE, idempotencyKey, "POST", uri.getPath(), body, () -> {
            NewAgent request = parse(body);
            String name = field(request.name(), "name");
            String email = field(request.email(), "email");
            if (!email.matches("[^@\\s]+@[^@\\s]+")) {
                throw ProblemException.badRequest("'email' is not an email address.");
            }
            try {
                DeskAgents.Created created = agents.create(tenant, name, email.toLowerCase(java.util.Locale.ROOT));
                return Response.status(201).entity(new CreatedAgent(created.agent().id(), created.agent().name(),
                        created.agent().email(), created.token())).build();
            } catch (DeskAgents.EmailTaken taken) {
                throw new ProblemException(409, "agent-email-taken", "Email taken",
                        "Another agent of this tenant has that email.");
            }
        }));
    }

    @GET
    @Operation(summary = "List a tenant's desk agents", description = "Never shows tokens.")
    public List<DeskAgents.AgentInfo> list(@PathParam("tenantId") String tenantId) {
        TenantId tenant = tenant(tenantId);
        return DatabaseScope.asTenant(tenant, () -> agents.ofTenant(tenant));
    }

    @DELETE
    @Path("/{agentId}")
    @Operation(summary = "Deactivate a desk agent", description = "The token stops working at once and the agent's "
            + "desk sockets are closed, on every node. 204; 404 when the tenant has no such active agent.")
    public Response deactivate(@PathParam("tenantId") String tenantId, @PathParam("agentId") String agentId) {
        TenantId tenant = tenant(tenantId);
        UUID id = Params.pathId(agentId, "No agent " + agentId + ".");
        if (!DatabaseScope.asTenant(tenant, () -> agents.deactivate(tenant, id))) {
            throw ProblemException.notFound("No active agent " + agentId + ".");
        }
        return Response.noContent().build();
    }

    private TenantId tenant(String id) {
        return DatabaseScope.system("admin: agents of tenant " + id, () -> directory.requireTenant(id));
    }

    private NewAgent parse(String body) {
        return JsonBodies.required(mapper, body, NewAgent.class,
                "A JSON body {\"name\": \"…\", \"email\": \"…\"} is required.");
    }

    private static String field(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest("'" + field + "' is required.");
        }
        String trimmed = value.trim();
        if (trimmed.length() > MAX_FIELD || MessageText.problem(field, trimmed) != null) {
            throw ProblemException.badRequest("'" + field + "' must be 1 to " + MAX_FIELD
                    + " characters of storable text.");
        }
        return trimmed;
    }
}
