package dev.switchboard.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of method, path and body. A JSON body is canonicalised first (keys sorted at every
 * level, no insignificant whitespace), so a retry that reorders keys or re-indents is the same
 * request; any other body is hashed as it came.
 */
final class RequestFingerprint {
    private final ObjectMapper mapper;
    private final ObjectMapper canonical;

    RequestFingerprint(ObjectMapper mapper) {
        this.mapper = mapper;
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    String of(String method, String path, String body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(method.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(path.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(canonicalBody(body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private String canonicalBody(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode tree = mapper.readTree(body);
            return "json:" + canonical.writeValueAsString(canonical.treeToValue(tree, Object.class));
        } catch (Exception notJson) {
            return "raw:" + body;
        }
    }
}
