package dev.switchboard.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * SHA-256 over the canonical form of a session's state: its state name, its data as JSON with
 * keys sorted at every level, and its version. Storage formatting (jsonb reorders keys) does not
 * change it; any change of content does.
 */
final class StateChecksum {
    private final ObjectMapper canonical;

    StateChecksum(ObjectMapper mapper) {
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    String canonicalJson(Map<String, Object> data) {
        try {
            return canonical.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("session data is not serialisable as JSON", e);
        }
    }

    String of(String state, String canonicalData, long version) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(state.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(canonicalData.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(version).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
