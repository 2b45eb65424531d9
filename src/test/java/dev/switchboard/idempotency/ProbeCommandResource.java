package dev.switchboard.idempotency;

import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.RequestTenant;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only command behind the idempotency layer: it writes a row (a message in the session named
 * after the body), and can be told to fail with a server error or to block until released.
 */
@Path("/api/v1/test/probe")
public class ProbeCommandResource {
    static final AtomicInteger EXECUTIONS = new AtomicInteger();
    static volatile boolean failNext;
    static volatile CountDownLatch hold;

    private final IdempotentRequests idempotent;
    private final EventStore events;
    private final RequestTenant tenant;

    ProbeCommandResource(IdempotentRequests idempotent, EventStore events, RequestTenant tenant) {
        this.idempotent = idempotent;
        this.events = events;
        this.tenant = tenant;
    }

    @POST
    public Response run(String body, @HeaderParam(IdempotentRequests.HEADER) String key, @Context UriInfo uri) {
        return idempotent.execute(tenant.get().value(), key, "POST", uri.getPath(), body, () -> {
            int n = EXECUTIONS.incrementAndGet();
            AppendResult written = events.appendUserMessageInTransaction(
                    SessionAddress.web(tenant.get(), "probe-" + body), null, "probe", null);
            CountDownLatch latch = hold;
            if (latch != null) {
                try {
                    latch.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("probe failure");
            }
            return Response.status(201).entity(Map.of("execution", n, "seq", written.seq())).build();
        });
    }
}
