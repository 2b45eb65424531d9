package dev.switchboard.channels.web;

/** A client frame that cannot be used; answered with an error frame, the connection stays open. */
final class FrameRejected extends Exception {
    private final String code;
    private final String clientId;

    FrameRejected(String code, String message, String clientId) {
        super(message, null, false, false);
        this.code = code;
        this.clientId = clientId;
    }

    String code() {
        return code;
    }

    String clientId() {
        return clientId;
    }
}
