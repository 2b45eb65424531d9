package dev.switchboard.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The context the conversation machine's guards read and its actions change: a deep copy of the
 * session data, so that the agent never changes the state it was given (if it fails half-way, the
 * processor's fallback commits the data as it was, not half of this turn's changes).
 */
final class Turn {
    final Map<String, Object> data;
    final List<AgentCall> calls = new ArrayList<>();

    Turn(Map<String, Object> data) {
        this.data = copyMap(data);
    }

    private static Map<String, Object> copyMap(Map<?, ?> map) {
        Map<String, Object> copy = new HashMap<>(map.size() * 2);
        map.forEach((k, v) -> copy.put(String.valueOf(k), copyValue(v)));
        return copy;
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return copyMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(copyValue(v)));
            return copy;
        }
        return value; // strings, numbers, booleans, null: immutable
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(data.get(key));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> slots() {
        return (Map<String, Object>) data.computeIfAbsent("slots", k -> new HashMap<String, Object>());
    }
}
