package dev.switchboard.ops;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A stand-in for an exception on its way to a log: the same type names and stack traces along the
 * whole cause chain, and only the words of each message that cannot carry customer content.
 *
 * <p>Exception messages quote what they failed on: PostgreSQL's server message and its Detail and
 * Where lines quote the row (a customer's text), Jackson quotes the token it read, a library quotes
 * its argument. So a message is kept only where its source is known not to quote content: this
 * service's own exceptions (which never put texts or ids in messages; quoted parts are cut
 * anyway) and the JDK's network and timeout exceptions. Of a {@link SQLException} the SQLState
 * and the first line with its quoted parts cut are kept. Every other message is withheld.
 */
final class SafeThrowable extends RuntimeException {
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'|«[^»]*»");
    static final String WITHHELD = "(message withheld: it may quote content)";

    private SafeThrowable(String message, Throwable cause, StackTraceElement[] stack) {
        super(message, cause, false, true);
        setStackTrace(stack);
    }

    /** The safe copy of {@code original} and its causes (and their suppressed exceptions). */
    static Throwable of(Throwable original) {
        if (original instanceof SafeThrowable) {
            return original; // already made safe by an earlier handler's filter
        }
        return copy(original, new IdentityHashMap<>());
    }

    private static Throwable copy(Throwable t, Map<Throwable, Throwable> seen) {
        if (t == null) {
            return null;
        }
        Throwable known = seen.get(t);
        if (known == t) {
            return new SafeThrowable(t.getClass().getName() + ": (cause cycle)", null, t.getStackTrace());
        }
        if (known != null) {
            return known;
        }
        seen.put(t, t);
        Throwable cause = t.getCause() == t ? null : copy(t.getCause(), seen);
        SafeThrowable safe = new SafeThrowable(t.getClass().getName() + ": " + message(t), cause, t.getStackTrace());
        seen.put(t, safe);
        for (Throwable suppressed : t.getSuppressed()) {
            safe.addSuppressed(copy(suppressed, seen));
        }
        return safe;
    }

    static String message(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return "";
        }
        if (t instanceof SQLException sql) {
            String firstLine = message.lines().findFirst().orElse("");
            return "SQLState " + sql.getSQLState() + ": " + cut(firstLine);
        }
        String type = t.getClass().getName();
        if (type.startsWith("dev.switchboard.") || type.startsWith("java.net.") || type.startsWith("javax.net.ssl.")
                || type.equals("java.util.concurrent.TimeoutException") || type.startsWith("java.nio.channels.")
                || type.startsWith("org.eclipse.microprofile.faulttolerance.exceptions.")) {
            // a wrapper's message is often its cause's toString(), which may quote content
            return t.getCause() != null && message.equals(t.getCause().toString()) ? WITHHELD : cut(message);
        }
        return WITHHELD;
    }

    private static String cut(String message) {
        return PiiMask.mask(QUOTED.matcher(message).replaceAll("…"));
    }

    @Override
    public String toString() {
        return getMessage(); // already "type: message"; the stack printer adds no second type name
    }
}
