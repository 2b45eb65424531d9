package dev.switchboard.outbox;

import dev.switchboard.ops.Params;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.ops.RequestCorrelation;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operator API: dead letters across tenants, to read, retry or discard. Requires the admin token. */
@Path("/api/v1/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final int MAX_CHANNEL = 64;

    private final DeadLetters deadLetters;
    private final RequestCorrelation correlation;

    DeadLetterResource(DeadLetters deadLetters, RequestCorrelation correlation) {
        this.deadLetters = deadLetters;
        this.correlation = correlation;
    }

    @RegisterForReflection
    public record DeadLetterPage(List<DeadLetter> items, String nextCursor) {
    }

    @RegisterForReflection
    public record Retried(int retried) {
    }

    @GET
    @Operation(summary = "List dead letters", description = "Effects the outbox gave up on, oldest first, of one "
            + "tenant and one channel when given. Without payload or error history (read one for those). Paged "
            + "with limit (1 to 500, default 50) and the nextCursor of the previous page.")
    public DeadLetterPage list(@QueryParam("tenant") String tenant, @QueryParam("channel") String channel,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        UUID tenantId = tenant(tenant);
        String channelName = channel(channel);
        int size = Params.integer(limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
        long after = cursor(cursor);
        // one more than asked says whether there is a next page, so the last page has no cursor
        List<DeadLetter> found = DatabaseScope.system("admin: list dead letters",
                () -> deadLetters.list(tenantId, channelName, after, size + 1));
        List<DeadLetter> page = found.size() > size ? found.subList(0, size) : found;
        return new DeadLetterPage(page, found.size() > size ? Long.toString(page.get(page.size() - 1).id()) : null);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read a dead letter", description = "With its payload and the error of each failed attempt "
            + "(the last 20). Also answers for a letter already retried or discarded, with its status now.")
    public DeadLetter get(@PathParam("id") String id) {
        long effectId = id(id);
        return DatabaseScope.system("admin: read dead letter " + effectId, () -> deadLetters.find(effectId))
                .orElseThrow(() -> notFound(id));
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Retry a dead letter", description = "Back to pending with fresh attempts: delivered before "
            + "any later effect of its session that is still waiting. Recorded in the session's log. Idempotent: "
            + "repeating it answers 200 with the letter as it is now; 409 for a discarded letter.")
    public DeadLetter retry(@PathParam("id") String id) {
        return act(id, DeadLetters.Action.RETRY);
    }

    @POST
    @Path("/{id}/discard")
    @Operation(summary = "Discard a dead letter", description = "Never attempted again; kept for the record and "
            + "recorded in the session's log. Idempotent: repeating it answers 200; 409 for a letter that was "
            + "retried and is on its way or delivered.")
    public DeadLetter discard(@PathParam("id") String id) {
        return act(id, DeadLetters.Action.DISCARD);
    }

    @POST
    @Path("/retry")
    @Operation(summary = "Retry many dead letters", description = "Up to limit (1 to 500, default 500) dead letters "
            + "of one tenant and one channel when given, e.g. after an outage of the channel; each session's in seq "
            + "order. Answers how many were retried; call again while it is more than zero and more remain.")
    public Retried retryAll(@QueryParam("tenant") String tenant, @QueryParam("channel") String channel,
            @QueryParam("limit") String limit) {
        UUID tenantId = tenant(tenant);
        String channelName = channel(channel);
        int size = Params.integer(limit, MAX_LIMIT, 1, MAX_LIMIT, "limit");
        return new Retried(DatabaseScope.system("admin: retry dead letters",
                () -> deadLetters.retryAll(tenantId, channelName, size, correlation.get())));
    }

    private DeadLetter act(String id, DeadLetters.Action action) {
        long effectId = id(id);
        DeadLetters.Acted acted = DatabaseScope.system("admin: " + action.name().toLowerCase() + " dead letter "
                + effectId, () -> deadLetters.act(effectId, action, correlation.get())).orElseThrow(() -> notFound(id));
        if (acted.outcome() == DeadLetters.Outcome.NOT_APPLICABLE) {
            throw new ProblemException(409, "dead-letter-" + acted.letter().status().wire(), "Not a dead letter",
                    "Dead letter " + id + " is " + acted.letter().status().wire() + " now; it cannot be "
                            + (action == DeadLetters.Action.RETRY ? "retried." : "discarded."));
        }
        return acted.letter();
    }

    private static UUID tenant(String tenant) {
        return Params.optionalUuid(tenant, "'tenant' must be a tenant id (a UUID).");
    }

    private static String channel(String channel) {
        if (channel == null || channel.isEmpty()) {
            return null;
        }
        if (channel.length() > MAX_CHANNEL || !channel.matches("[a-z0-9_-]+")) {
            throw ProblemException.badRequest("'channel' is a channel name such as web or whatsapp.");
        }
        return channel;
    }

    private static long cursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("'cursor' is the nextCursor of a previous page.");
        }
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notFound(id);
        }
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("No dead letter " + id + ".");
    }
}
