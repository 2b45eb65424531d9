package dev.switchboard.tenants;

import java.util.Optional;

/**
 * A credential other than an API key that another module issues (an agent's token): it says which
 * presented credentials are its own, and which tenant one of them authenticates for a path.
 */
public interface CredentialCheck {
    /** True when the credential has this check's form; it is then never tried as an API key. */
    boolean recognises(String credential);

    /** The tenant the credential acts for on this path, or empty (401). */
    Optional<TenantId> authenticate(String credential, String path);

    /** The detail of the 401 when {@link #authenticate} refused. */
    String refusal();
}
