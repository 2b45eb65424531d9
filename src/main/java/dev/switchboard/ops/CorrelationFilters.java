package dev.switchboard.ops;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Gives every HTTP request a correlation id: in the log context, on the events it appends, and in the response. */
public class CorrelationFilters {
    private final RequestCorrelation correlation;

    CorrelationFilters(RequestCorrelation correlation) {
        this.correlation = correlation;
    }

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String id = CorrelationId.resolve(request.getHeaderString("traceparent"),
                request.getHeaderString(CorrelationId.HEADER));
        correlation.set(id);
        MDC.put(CorrelationId.MDC_KEY, id);
    }

    @ServerResponseFilter
    public void echo(ContainerResponseContext response) {
        response.getHeaders().putSingle(CorrelationId.HEADER, correlation.get());
        MDC.remove(CorrelationId.MDC_KEY);
    }
}
