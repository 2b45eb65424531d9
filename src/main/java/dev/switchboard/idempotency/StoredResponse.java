package dev.switchboard.idempotency;

import java.util.Map;

/** A response as sent the first time, kept to be replayed byte for byte. */
record StoredResponse(int status, Map<String, String> headers, byte[] body) {
}
