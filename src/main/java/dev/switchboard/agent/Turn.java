package dev.switchboard.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The context the conversation machine's guards read and its actions change: a copy of the session data. */
final class Turn {
    final Map<String, Object> data;
    final List<AgentCall> calls = new ArrayList<>();

    Turn(Map<String, Object> data) {
        this.data = new HashMap<>(data);
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(data.get(key));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> slots() {
        return (Map<String, Object>) data.computeIfAbsent("slots", k -> new HashMap<String, Object>());
    }
}
