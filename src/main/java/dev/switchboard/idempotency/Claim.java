package dev.switchboard.idempotency;

/** What claiming a key found. */
sealed interface Claim {
    /** The key is ours: execute the request. */
    record Owned() implements Claim {
    }

    /** A request with this key completed: replay its response. */
    record Completed(StoredResponse response) implements Claim {
    }

    /** The key belongs to a request with another fingerprint. */
    record Mismatch() implements Claim {
    }

    /** A request with this key is executing right now (here or on another node). */
    record InProgress() implements Claim {
    }
}
