package dev.switchboard.channels.whatsapp;

import dev.switchboard.secrets.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Meta's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the raw body with the
 * app secret. Checked over the exact bytes received (re-serialised JSON would differ) and compared in
 * constant time.
 */
final class WebhookSignature {
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    static boolean matches(String appSecret, byte[] body, String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sign(appSecret, body), presented);
    }

    static byte[] sign(String appSecret, byte[] body) {
        return Hmac.sha256(appSecret.getBytes(StandardCharsets.UTF_8), body);
    }
}
