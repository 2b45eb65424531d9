package dev.switchboard.idempotency;

import dev.switchboard.ops.ProblemException;

/**
 * Parses the {@code Idempotency-Key} header value: a bare token or an RFC 8941 sf-string
 * ({@code "…"} with {@code \"} and {@code \\} escapes), 1 to 255 printable ASCII characters.
 */
final class IdempotencyKeyHeader {
    static final String NAME = "Idempotency-Key";
    private static final int MAX_LENGTH = 255;

    private IdempotencyKeyHeader() {
    }

    static String parse(String raw) {
        if (raw == null) {
            throw invalid("The Idempotency-Key header is required on this request.");
        }
        String value = raw.trim();
        String key = value.startsWith("\"") ? unquote(value) : bare(value);
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw invalid("The Idempotency-Key must be 1 to " + MAX_LENGTH + " characters.");
        }
        return key;
    }

    private static String bare(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw invalid("The Idempotency-Key may contain only printable ASCII characters "
                        + "(quote it as an RFC 8941 string to include spaces).");
            }
        }
        return value;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || !value.endsWith("\"")) {
            throw invalid("The quoted Idempotency-Key is not a valid RFC 8941 string.");
        }
        StringBuilder key = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                if (i + 1 >= value.length() - 1) {
                    throw invalid("The quoted Idempotency-Key ends in an escape.");
                }
                char next = value.charAt(++i);
                if (next != '"' && next != '\\') {
                    throw invalid("The quoted Idempotency-Key may escape only '\"' and '\\'.");
                }
                key.append(next);
            } else if (c == '"' || c < 0x20 || c > 0x7e) {
                throw invalid("The quoted Idempotency-Key may contain only printable ASCII characters.");
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-idempotency-key", "Invalid Idempotency-Key", detail);
    }
}
