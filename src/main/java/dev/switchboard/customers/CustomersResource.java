package dev.switchboard.customers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.MessageText;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.privacy.SessionErasure;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.RequestTenant;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/** Customer profiles of the request's tenant: find by phone or name, read with their sessions, correct, erase. */
@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
public class CustomersResource {
    private static final Logger AUDIT = Logger.getLogger("dev.switchboard.audit");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final int MAX_NAME = 200;

    private final CustomerStore customers;
    private final PhoneNumbers phones;
    private final SessionStore sessions;
    private final SessionErasure erasure;
    private final RequestTenant tenant;
    private final ObjectMapper mapper;

    CustomersResource(CustomerStore customers, PhoneNumbers phones, SessionStore sessions, SessionErasure erasure,
            RequestTenant tenant, ObjectMapper mapper) {
        this.customers = customers;
        this.phones = phones;
        this.sessions = sessions;
        this.erasure = erasure;
        this.tenant = tenant;
        this.mapper = mapper;
    }

    @RegisterForReflection
    public record CustomerPage(List<Customer> items, String nextCursor) {
    }

    @RegisterForReflection
    public record Profile(Customer customer, List<SessionStore.CustomerSession> sessions) {
    }

    @RegisterForReflection
    public record Changes(String name, String phone, JsonNode preferences, JsonNode metadata) {
    }

    @GET
    @Operation(summary = "Find customers", description = "phone in any common format (E.164, national with the "
            + "default region, 00-prefixed) finds the customer with that number; q searches names. Paged with "
            + "limit and the nextCursor of the previous page.")
    public CustomerPage search(@QueryParam("phone") String phone, @QueryParam("q") String q,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        String e164 = null;
        if (phone != null && !phone.isBlank()) {
            e164 = phones.e164(phone).orElse(null);
            if (e164 == null) {
                return new CustomerPage(List.of(), null); // no valid number, no customer has it
            }
        }
        String name = q == null || q.isBlank() ? null : q.trim();
        if (name != null && name.length() > MAX_NAME) {
            throw ProblemException.badRequest("'q' is limited to " + MAX_NAME + " characters.");
        }
        int size = Params.integer(limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
        // one more than asked says whether there is a next page, so the last page has no cursor
        List<Customer> found = customers.search(e164, name, cursor(cursor), size + 1);
        List<Customer> page = found.size() > size ? found.subList(0, size) : found;
        String next = found.size() > size ? page.get(page.size() - 1).id().toString() : null;
        return new CustomerPage(page, next);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A customer's profile and sessions", description = "Sessions with channel, key, state "
            + "and last activity, most recent first.")
    public Profile profile(@PathParam("id") String id) {
        Customer customer = find(id);
        return new Profile(customer, sessions.ofCustomer(customer.id()));
    }

    @PATCH
    @Path("/{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Operation(summary = "Correct a customer's profile", description = "Any of name, phone (validated, stored as "
            + "E.164; invalid → 400), preferences and metadata (JSON objects, replaced whole).")
    public Customer update(@PathParam("id") String id, String body) {
        UUID customerId = find(id).id();
        Changes changes = parse(body);
        String name = changes.name() == null ? null : changes.name().trim();
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME)) {
            throw ProblemException.badRequest("'name' must be 1 to " + MAX_NAME + " characters.");
        }
        String phone = null;
        if (changes.phone() != null) {
            phone = phones.e164(changes.phone())
                    .orElseThrow(() -> ProblemException.badRequest("'phone' is not a valid phone number."));
        }
        if (name != null && MessageText.problem("name", name) != null) {
            throw ProblemException.badRequest(MessageText.problem("name", name) + ".");
        }
        requireObject(changes.preferences(), "preferences");
        requireObject(changes.metadata(), "metadata");
        return customers.update(tenant.get(), customerId, name, phone, changes.preferences(), changes.metadata())
                .orElseThrow(() -> ProblemException.notFound("No customer " + id + "."));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Erase a customer (GDPR)", description = "Erases the content of all their sessions (each "
            + "records a content-free 'erased' event) and deletes the profile. 204; 409 when one of the sessions is "
            + "being processed at that moment (retry).")
    public Response erase(@PathParam("id") String id) {
        Customer customer = find(id);
        List<SessionStore.CustomerSession> owned = sessions.ofCustomer(customer.id());
        for (SessionStore.CustomerSession session : owned) {
            erasure.erase(new SessionAddress(tenant.get(), session.channel(), session.key()));
        }
        customers.delete(tenant.get(), customer.id());
        AUDIT.infof("customer %s of tenant %s erased with %d sessions", customer.id(), tenant.get(), owned.size());
        return Response.noContent().build();
    }

    private Customer find(String id) {
        UUID customerId = Params.pathId(id, "No customer " + id + ".");
        return customers.find(customerId).orElseThrow(() -> ProblemException.notFound("No customer " + id + "."));
    }

    private Changes parse(String body) {
        return JsonBodies.required(mapper, body, Changes.class, "A JSON object with the fields to change is required.");
    }

    private void requireObject(JsonNode value, String field) {
        if (value == null) {
            return;
        }
        if (!value.isObject()) {
            throw ProblemException.badRequest("'" + field + "' must be a JSON object.");
        }
        try {
            // PostgreSQL's jsonb cannot hold U+0000 anywhere; Jackson writes it as this escape
            if (mapper.writeValueAsString(value).contains("\\u0000")) {
                throw ProblemException.badRequest("'" + field + "' contains the character U+0000, which cannot be stored.");
            }
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("'" + field + "' is not storable JSON.");
        }
    }

    private static UUID cursor(String cursor) {
        return Params.optionalUuid(cursor, "'cursor' is the nextCursor of a previous page.");
    }

}
