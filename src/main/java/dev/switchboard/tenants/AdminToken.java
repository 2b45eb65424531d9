package dev.switchboard.tenants;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The operator's token for the admin API ({@code switchboard.admin.token}); unset disables the admin API. */
@ApplicationScoped
public class AdminToken {
    private final Optional<String> token;

    AdminToken(@ConfigProperty(name = "switchboard.admin.token") Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank());
    }

    public boolean matches(String presented) {
        if (presented == null || token.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(
                token.get().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
