package dev.switchboard.ops;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;

/**
 * Thrown by any module to answer an HTTP request with an RFC 9457 problem.
 * {@code slug} names the problem type, e.g. {@code invalid-request}.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;
    private long retryAfterSeconds;

    public ProblemException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** 429: the tenant sends faster than its limit; {@code Retry-After} tells when to try again. */
    public static ProblemException rateLimited(long retryAfterSeconds) {
        ProblemException e = new ProblemException(429, "rate-limited", "Too many requests",
                "This tenant is over its message rate limit; retry after " + retryAfterSeconds + " s.");
        e.retryAfterSeconds = retryAfterSeconds;
        return e;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }

    /**
     * The body could not be read. The detail says where, never what: the parser's own message quotes
     * the body's text and names our classes.
     */
    public static ProblemException malformedJson(JsonProcessingException e) {
        return new ProblemException(400, "malformed-json", "Malformed JSON",
                "The request body is not valid JSON for this operation: " + where(e) + ".");
    }

    private static String where(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String path = mapping.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String named = "'" + (path.length() > 100 ? path.substring(0, 100) + "…" : path) + "'";
            return e instanceof UnrecognizedPropertyException ? named + " is not a field it takes"
                    : named + " has the wrong type or form";
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "it cannot be parsed"
                : "it cannot be parsed at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    /** Seconds for a {@code Retry-After} header; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String title() {
        return title;
    }
}
