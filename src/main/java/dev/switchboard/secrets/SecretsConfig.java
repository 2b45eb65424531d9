package dev.switchboard.secrets;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "switchboard.secrets")
public interface SecretsConfig {
    /**
     * The AES-256 key that encrypts secrets at rest (channel tokens, app secrets), base64 of 32
     * bytes. Required: without it the service does not start (dev and test set a fixed one).
     */
    Optional<String> key();
}
