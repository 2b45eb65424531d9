package dev.switchboard.agent;

import java.util.Map;

/** What the classifier made of a message: the intent (or "unknown"), its confidence, and slot values found. */
public record Classification(String intent, double confidence, Map<String, String> slots) {
    public static final String UNKNOWN = "unknown";

    public boolean is(String name) {
        return intent.equals(name);
    }
}
