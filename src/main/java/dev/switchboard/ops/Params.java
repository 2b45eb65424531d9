package dev.switchboard.ops;

import java.util.UUID;

/** Query and path parameters of the HTTP API, read with the same rules and the same errors everywhere. */
public final class Params {
    private Params() {
    }

    /** An integer {@code min..max}, {@code fallback} when absent; 400 naming {@code name} otherwise. */
    public static int integer(String value, int fallback, int min, int max, String name) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ProblemException.badRequest("'" + name + "' must be an integer from " + min + " to " + max + ".");
    }

    /** A UUID in a query or a body; 400 with {@code problem} when it is not one. */
    public static UUID uuid(String value, String problem) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.badRequest(problem);
        }
    }

    /** {@link #uuid}, or null when absent or empty. */
    public static UUID optionalUuid(String value, String problem) {
        return value == null || value.isEmpty() ? null : uuid(value, problem);
    }

    /** The id in a path: what is not a UUID names nothing, so it is 404 like an unknown one. */
    public static UUID pathId(String value, String notFound) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound(notFound);
        }
    }
}
