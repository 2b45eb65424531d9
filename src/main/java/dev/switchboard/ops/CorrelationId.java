package dev.switchboard.ops;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id that ties together everything one request caused: taken from a W3C {@code traceparent}
 * (its trace id) or an {@code X-Correlation-Id} header, otherwise generated.
 */
public final class CorrelationId {
    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final Pattern ACCEPTED = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    private CorrelationId() {
    }

    public static String resolve(String traceparent, String correlationHeader) {
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return m.group(1);
            }
        }
        if (correlationHeader != null && ACCEPTED.matcher(correlationHeader.trim()).matches()) {
            return correlationHeader.trim();
        }
        return UUID.randomUUID().toString();
    }
}
