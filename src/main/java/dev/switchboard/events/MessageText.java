package dev.switchboard.events;

import java.nio.charset.StandardCharsets;

/**
 * What PostgreSQL can store of customer-supplied strings (message texts, client message ids).
 * A {@code text} or {@code jsonb} value cannot hold U+0000, and a string with an unpaired UTF-16
 * surrogate has no UTF-8 form; both are refused at the edge as invalid input, before anything is
 * stored, instead of failing inside a transaction (and, there, in a group commit with others).
 */
public final class MessageText {
    private MessageText() {
    }

    /** Why {@code value} cannot be stored, or null when it can. Names the field, never quotes the value. */
    public static String problem(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return "'" + field + "' contains the character U+0000, which cannot be stored";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "'" + field + "' contains an unpaired UTF-16 surrogate (not valid Unicode text)";
            }
            if (Character.isLowSurrogate(c)) {
                return "'" + field + "' contains an unpaired UTF-16 surrogate (not valid Unicode text)";
            }
        }
        return null;
    }

    /**
     * Why a message {@code text} from an API request is refused (missing or blank, not storable, over
     * {@code maxBytes} in UTF-8), or null when it is fine. Names the field, never quotes the value.
     */
    public static String textProblem(String text, int maxBytes) {
        if (text == null || text.isBlank()) {
            return "'text' is required and must not be blank";
        }
        String unstorable = problem("text", text);
        if (unstorable != null) {
            return unstorable;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            return "'text' is limited to " + maxBytes + " bytes";
        }
        return null;
    }

    /**
     * {@code value} with what cannot be stored replaced by U+FFFD: for senders that cannot be told
     * "no" (a webhook that would retry the same body for days).
     */
    public static String storable(String value) {
        if (value == null || problem("text", value) == null) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (c == '\u0000' || Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Thrown by the log when asked to store a string it cannot; the edge should have refused it already. */
    public static final class Unstorable extends IllegalArgumentException {
        public Unstorable(String problem) {
            super(problem, null);
        }
    }

    static void requireStorable(String field, String value) {
        String problem = problem(field, value);
        if (problem != null) {
            throw new Unstorable(problem);
        }
    }
}
