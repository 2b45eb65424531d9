package dev.switchboard.secrets;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets for storage: AES-256-GCM with a fresh 96-bit nonce per value, stored as
 * {@code v1:<base64(nonce | ciphertext | tag)>}. The tenant and purpose are bound in as associated
 * data, so a ciphertext copied into another tenant's row (or another column) does not decrypt.
 * Started eagerly so that a missing or malformed key stops the service at start, not at first use.
 */
@Startup
@ApplicationScoped
public class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(SecretsConfig config) {
        String encoded = config.key().filter(k -> !k.isBlank()).orElseThrow(() -> new IllegalStateException(
                "switchboard.secrets.key (SWITCHBOARD_SECRETS_KEY) is not set: it must be base64 of 32 random bytes, "
                        + "e.g. `openssl rand -base64 32`"));
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("switchboard.secrets.key is not base64", null);
        }
        if (raw.length != 32) {
            throw new IllegalStateException("switchboard.secrets.key must decode to 32 bytes, not " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** The stored form of {@code secret}, bound to {@code context} (e.g. tenant id and column). */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a secret", e);
        }
    }

    /** Marks a sealed byte string; never the first byte of JSON text (a stored response written before sealing). */
    private static final byte SEALED_BYTES = 0x01;

    /** The stored form of a byte string that may hold a secret (a stored API response); empty stays empty. */
    public byte[] sealBytes(byte[] plain, String context) {
        if (plain == null || plain.length == 0) {
            return plain;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + nonce.length + sealed.length).put(SEALED_BYTES).put(nonce).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a stored value", e);
        }
    }

    /** The byte string back; one stored before sealing (it does not start with the mark) is returned as it is. */
    public byte[] openBytes(byte[] stored, String context) {
        if (stored == null || stored.length == 0 || stored[0] != SEALED_BYTES) {
            return stored;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored value does not decrypt with the configured key", null);
        }
    }

    /** The secret back; fails when the value was not sealed with this key and context. */
    public String open(String stored, String context) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalStateException("stored secret has an unknown format");
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // no cause: nothing about the key or the value belongs in a log
            throw new IllegalStateException("a stored secret does not decrypt with the configured key", null);
        }
    }
}
