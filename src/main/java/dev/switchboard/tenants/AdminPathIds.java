package dev.switchboard.tenants;

import dev.switchboard.ops.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers 404 for an admin path whose tenant or API key id is not a UUID, before any resource
 * runs: each of them names its ids in the audit line of its system database access, which must
 * never carry whatever text a caller put in a path.
 */
public class AdminPathIds {
    private static final String PREFIX = "/api/v1/admin/tenants/";
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @ServerRequestFilter(preMatching = true)
    public void requireIds(HttpServerRequest request) {
        String path = request.path();
        if (path == null || !path.startsWith(PREFIX)) {
            return;
        }
        String[] segments = path.substring(PREFIX.length()).split("/", -1);
        if (!UUID.matcher(segments[0]).matches()) {
            throw ProblemException.notFound("No such tenant: a tenant id is a UUID.");
        }
        if (segments.length > 2 && segments[1].equals("api-keys") && !UUID.matcher(segments[2]).matches()) {
            throw ProblemException.notFound("No such API key: an API key id is a UUID.");
        }
    }
}
