package dev.switchboard.sessions;

import dev.switchboard.tenants.TenantId;
import java.util.Comparator;

/** The natural identity of a session: tenant, channel and the channel's external key. */
public record SessionAddress(TenantId tenant, String channel, String key) {
    public static final String WEB = "web";
    private static final int MAX_KEY_LENGTH = 200;

    /** The order in which transactions that touch several sessions lock their rows. */
    public static final Comparator<SessionAddress> LOCK_ORDER = Comparator
            .comparing((SessionAddress a) -> a.tenant().value())
            .thenComparing(SessionAddress::channel)
            .thenComparing(SessionAddress::key);

    public static SessionAddress web(TenantId tenant, String key) {
        return new SessionAddress(tenant, WEB, key);
    }

    /** Why a session key is unusable, or null when it is fine. */
    public static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "the session key is empty";
        }
        if (key.length() > MAX_KEY_LENGTH) {
            return "the session key is longer than " + MAX_KEY_LENGTH + " characters";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "the session key may contain only printable ASCII characters without spaces";
            }
        }
        return null;
    }
}
