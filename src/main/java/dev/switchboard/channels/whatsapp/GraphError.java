package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An error answer of the Graph API: the HTTP status, Meta's numeric code and its title. Only those
 * are kept (the message and details may quote what was sent).
 */
final class GraphError extends RuntimeException {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int status;
    private final int code;
    private final String title;

    private GraphError(int status, int code, String title) {
        super("Graph API answered " + status + " with code " + code, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    static GraphError of(int status, String body) {
        int code = 0;
        String title = null;
        try {
            JsonNode error = MAPPER.readTree(body == null || body.isEmpty() ? "{}" : body).path("error");
            code = error.path("code").asInt(0);
            title = error.path("error_user_title").asText(null);
            if (title == null) {
                title = error.path("type").asText(null);
            }
        } catch (Exception e) {
            // not JSON: the status alone says what happened
        }
        return new GraphError(status, code, title);
    }

    int status() {
        return status;
    }

    int code() {
        return code;
    }

    String title() {
        return title;
    }

    /** Meta is throttling the number or the app (130429, 80007, 4): wait, it will take it later. */
    boolean throttled() {
        return code == 130429 || code == 80007 || code == 4 || status == 429;
    }

    /** Too many messages to this one person in a short time (131056): wait longer for them alone. */
    boolean pairRateLimited() {
        return code == 131056;
    }

    /** More than 24 hours since the person last wrote (131047): only a template could reach them. */
    boolean windowClosed() {
        return code == 131047;
    }

    /** Meta's side failed: try again, and count it against the circuit breaker. */
    boolean serverSide() {
        return status >= 500;
    }
}
