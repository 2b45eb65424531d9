package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import jakarta.ws.rs.PUT;
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

/**
 * Operator API of a tenant's WhatsApp channels (admin token). Secrets go in and never come out: the
 * views show the last four characters of the access token at most.
 */
@Path("/api/v1/admin/tenants/{tenantId}/channels/whatsapp")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WhatsAppChannelAdminResource {
    private static final int MAX_SECRET = 1024;

    private final WhatsAppChannels channels;
    private final TenantDirectory directory;
    private final IdempotentRequests idempotent;
    private final ObjectMapper mapper;

    WhatsAppChannelAdminResource(WhatsAppChannels channels, TenantDirectory directory, IdempotentRequests idempotent,
            ObjectMapper mapper) {
        this.channels = channels;
        this.directory = directory;
        this.idempotent = idempotent;
        this.mapper = mapper;
    }

    /** The body of POST and PUT; on PUT every field is optional (what is given is replaced). */
    @RegisterForReflection
    public record ChannelSettings(String phoneNumberId, String accessToken, String appSecret, String verifyToken,
            Boolean markRead, Integer sendRate) {
    }

    @RegisterForReflection
    public record ChannelView(UUID id, String phoneNumberId, String webhookPath, String accessTokenEnding,
            boolean markRead, int sendRate) {
        static ChannelView of(WhatsAppChannel channel) {
            String token = channel.accessToken();
            return new ChannelView(channel.id(), channel.phoneNumberId(), channel.webhookPath(),
                    token.length() >= 12 ? token.substring(token.length() - 4) : null, channel.markRead(),
                    channel.sendRate());
        }
    }

    @POST
    @Operation(summary = "Configure a WhatsApp channel", description = "Body {phoneNumberId, accessToken, appSecret, "
            + "verifyToken, markRead?, sendRate?}. 201 with the channel's id and webhookPath; 409 when the phone "
            + "number id belongs to a channel already. Requires the admin token and an Idempotency-Key.")
    public Response create(@PathParam("tenantId") String tenantId, String body,
            @Parameter(description = "Required; see POST /api/v1/sessions/{key}/messages", required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        TenantId tenant = tenant(tenantId);
        return DatabaseScope.system("admin: configure a WhatsApp channel of tenant " + tenant, () -> idempotent.execute(
                IdempotentRequests.ADMIN_SCOPE, idempotencyKey, "POST", uri.getPath(), body, () -> {
            ChannelSettings settings = parse(body);
            String phoneNumberId = required(settings.phoneNumberId(), "phoneNumberId");
            if (!phoneNumberId.matches("[0-9]{1,32}")) {
                throw ProblemException.badRequest("'phoneNumberId' is the numeric id Meta shows for the number.");
            }
            String accessToken = secret(required(settings.accessToken(), "accessToken"), "accessToken");
            String appSecret = secret(required(settings.appSecret(), "appSecret"), "appSecret");
            String verifyToken = secret(required(settings.verifyToken(), "verifyToken"), "verifyToken");
            int sendRate = sendRate(settings.sendRate(), 80);
            try {
                // on the admin's system path, like the idempotency record it commits with (which is no tenant's)
                WhatsAppChannel channel = channels.create(tenant, phoneNumberId, accessToken, appSecret, verifyToken,
                        settings.markRead() == null || settings.markRead(), sendRate);
                return Response.status(201).entity(ChannelView.of(channel)).build();
            } catch (WhatsAppChannels.PhoneNumberTaken taken) {
                throw new ProblemException(409, "phone-number-taken", "Phone number taken",
                        "Phone number id " + phoneNumberId + " belongs to a WhatsApp channel already.");
            }
        }));
    }

    @GET
    @Operation(summary = "List a tenant's WhatsApp channels", description = "Never shows secrets.")
    public List<ChannelView> list(@PathParam("tenantId") String tenantId) {
        TenantId tenant = tenant(tenantId);
        return DatabaseScope.asTenant(tenant, () -> channels.ofTenant(tenant)).stream().map(ChannelView::of).toList();
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Rotate a channel's secrets or change its settings", description = "Any of accessToken, "
            + "appSecret, verifyToken, markRead, sendRate; the others stay. The phone number id cannot change.")
    public ChannelView update(@PathParam("tenantId") String tenantId, @PathParam("id") String id, String body) {
        TenantId tenant = tenant(tenantId);
        UUID channelId = channelId(id);
        ChannelSettings settings = parse(body);
        if (settings.phoneNumberId() != null) {
            throw ProblemException.badRequest("'phoneNumberId' cannot change; configure another channel instead.");
        }
        String accessToken = secret(settings.accessToken(), "accessToken");
        String appSecret = secret(settings.appSecret(), "appSecret");
        String verifyToken = secret(settings.verifyToken(), "verifyToken");
        Integer sendRate = settings.sendRate() == null ? null : sendRate(settings.sendRate(), 80);
        ChannelView updated = DatabaseScope.asTenant(tenant, () -> channels.update(tenant, channelId, accessToken,
                appSecret, verifyToken, settings.markRead(), sendRate))
                .map(ChannelView::of)
                .orElseThrow(() -> ProblemException.notFound("No WhatsApp channel " + id + "."));
        channels.forget();
        return updated;
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a WhatsApp channel", description = "Its webhook answers 404 from now on; its "
            + "sessions and their logs stay.")
    public Response delete(@PathParam("tenantId") String tenantId, @PathParam("id") String id) {
        TenantId tenant = tenant(tenantId);
        UUID channelId = channelId(id);
        if (!DatabaseScope.asTenant(tenant, () -> channels.delete(tenant, channelId))) {
            throw ProblemException.notFound("No WhatsApp channel " + id + ".");
        }
        channels.forget();
        return Response.noContent().build();
    }

    private TenantId tenant(String id) {
        return DatabaseScope.system("admin: WhatsApp channels of tenant " + id, () -> directory.requireTenant(id));
    }

    private static UUID channelId(String id) {
        return Params.pathId(id, "No WhatsApp channel " + id + ".");
    }

    private ChannelSettings parse(String body) {
        return JsonBodies.required(mapper, body, ChannelSettings.class,
                "A JSON object with the channel's settings is required.");
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest("'" + field + "' is required.");
        }
        return value.trim();
    }

    /** A secret must be printable ASCII without spaces (as Meta issues them); the message never quotes it. */
    private static String secret(String value, String field) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > MAX_SECRET || !value.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw ProblemException.badRequest("'" + field + "' must be 1 to " + MAX_SECRET
                    + " printable ASCII characters without spaces.");
        }
        return value;
    }

    private static int sendRate(Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1 || value > 1000) {
            throw ProblemException.badRequest("'sendRate' is messages per second, from 1 to 1000.");
        }
        return value;
    }
}
