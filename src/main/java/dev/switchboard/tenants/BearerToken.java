package dev.switchboard.tenants;

/** Reads the credential out of an {@code Authorization: Bearer …} header value. */
public final class BearerToken {
    private BearerToken() {
    }

    public static String from(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        return null;
    }
}
