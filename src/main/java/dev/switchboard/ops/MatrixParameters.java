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
    /**
     * Whether a path as sent (not the JAX-RS view of it, which has the matrix parameters taken out)
     * holds a {@code ;}; the chat socket's upgrade check asks too.
     */
    public static boolean in(String rawPath) {
        return rawPath != null && rawPath.indexOf(';') >= 0;
    }

    @ServerRequestFilter(preMatching = true)
    public void refuse(HttpServerRequest request) {
        if (in(request.path())) {
            throw ProblemException.badRequest("The path holds a ';', which would cut the segment short: "
                    + "percent-encode it as %3B.");
        }
    }
}
