package dev.switchboard.sessions;

import dev.switchboard.tenants.TenantId;
import java.util.Comparator;

/** The natural identity of a session: tenant, channel and the channel's external key. */
public record SessionAddress(TenantId tenant, String channel, String key) {
    public static final String WEB = "web";
    public static final String WHATSAPP = "whatsapp";
    /** Keys of WhatsApp sessions: {@code wa:{phoneNumberId}:{waId}}; only the WhatsApp channel creates them. */
    public static final String WHATSAPP_KEY_PREFIX = "wa:";
    private static final int MAX_KEY_LENGTH = 200;

    /** The order in which transactions that touch several sessions lock their rows. */
    public static final Comparator<SessionAddress> LOCK_ORDER = Comparator
            .comparing((SessionAddress a) -> a.tenant().value())
            .thenComparing(SessionAddress::channel)
            .thenComparing(SessionAddress::key);

    public static SessionAddress web(TenantId tenant, String key) {
        return new SessionAddress(tenant, WEB, key);
    }

    public static SessionAddress whatsApp(TenantId tenant, String phoneNumberId, String waId) {
        return new SessionAddress(tenant, WHATSAPP, WHATSAPP_KEY_PREFIX + phoneNumberId + ":" + waId);
    }

    /** The session a key names, in whichever channel its form belongs to (for reading). */
    public static SessionAddress ofKey(TenantId tenant, String key) {
        return new SessionAddress(tenant, key.startsWith(WHATSAPP_KEY_PREFIX) ? WHATSAPP : WEB, key);
    }

    /** Why a key cannot be a web session's (it is unusable, or reserved for another channel), or null. */
    public static String webKeyProblem(String key) {
        String problem = keyProblem(key);
        if (problem == null && key.startsWith(WHATSAPP_KEY_PREFIX)) {
            return "keys starting with '" + WHATSAPP_KEY_PREFIX + "' belong to WhatsApp sessions";
        }
        return problem;
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
