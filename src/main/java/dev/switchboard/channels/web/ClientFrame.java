package dev.switchboard.channels.web;

/** A frame a chat client sends. */
sealed interface ClientFrame {
    record Message(String id, String text) implements ClientFrame {
    }

    record Resume(long afterSeq) implements ClientFrame {
    }

    record Ack(long seq) implements ClientFrame {
    }

    record Ping() implements ClientFrame {
    }
}
