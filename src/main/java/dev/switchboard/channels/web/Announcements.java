package dev.switchboard.channels.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Fields of a Redis announcement ({@code a|b|c}): a session key or a name may itself hold the separator. */
final class Announcements {
    private Announcements() {
    }

    static String encode(String field) {
        return URLEncoder.encode(field, StandardCharsets.UTF_8);
    }

    /** IllegalArgumentException when the field was not encoded by {@link #encode}. */
    static String decode(String field) {
        return URLDecoder.decode(field, StandardCharsets.UTF_8);
    }
}
