package dev.switchboard.ops;

import io.vertx.core.http.HttpServerRequest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a request whose path holds a {@code ;}. JAX-RS reads what follows one in a path segment
 * as matrix parameters and leaves it out of the path parameter, so {@code /sessions/a;b} would
 * silently name session {@code a}. No route here takes matrix parameters; a key with a {@code ;} in
 * it is sent percent-encoded ({@code %3B}).
 */
public class MatrixParameters {
    @ServerRequestFilter(preMatching = true)
    public void refuse(HttpServerRequest request) {
        String path = request.path(); // as sent: the JAX-RS view of it has the matrix parameters taken out
        if (path != null && path.indexOf(';') >= 0) {
            throw ProblemException.badRequest("The path holds a ';', which would cut the segment short: "
                    + "percent-encode it as %3B.");
        }
    }
}
