package dev.switchboard.genesys;

import dev.switchboard.secrets.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Genesys's {@code X-Hub-Signature-256}: {@code sha256=} and the base64 (not hex, unlike Meta's) of
 * the HMAC-SHA256 of the raw body with the integration's webhook secret, compared in constant time.
 */
final class GenesysSignature {
    static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";

    private GenesysSignature() {
    }

    static boolean matches(String secret, byte[] body, String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(header.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, body), presented);
    }

    static byte[] sign(String secret, byte[] body) {
        return Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), body);
    }
}
