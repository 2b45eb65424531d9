package dev.switchboard.agent;

import dev.switchboard.sessions.SessionAddress;

/**
 * Where streamed tokens go while an agent is still answering: the session's open sockets, as
 * ephemeral frames. Nothing is stored; the final answer is a durable effect like any other.
 */
public interface TokenSink {
    void token(SessionAddress address, long replyTo, String text);
}
