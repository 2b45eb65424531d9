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

    /** The customer is typing: passed on to an outside desk that shows it, never stored. */
    record Typing() implements ClientFrame {
    }
}
