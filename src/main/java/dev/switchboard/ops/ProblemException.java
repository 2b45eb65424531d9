package dev.switchboard.ops;

import com.fasterxml.jackson.core.JsonProcessingException;

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

    public static ProblemException malformedJson(JsonProcessingException e) {
        return new ProblemException(400, "malformed-json", "Malformed JSON",
                "The request body is not valid JSON for this operation: " + e.getOriginalMessage());
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
