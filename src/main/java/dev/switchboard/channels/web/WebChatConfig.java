package dev.switchboard.channels.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.web")
public interface WebChatConfig {
    /** Largest message text accepted, in UTF-8 bytes. */
    @WithDefault("16384")
    int maxTextBytes();

    /** Largest WebSocket frame accepted, in UTF-8 bytes; larger ones get an error frame. */
    @WithDefault("65536")
    int maxFrameBytes();

    /**
     * Frames a socket may have unwritten (the client is not reading them) before it is closed as too
     * slow with close code 4008; it resumes with {@code ?afterSeq} and loses nothing durable.
     */
    @WithDefault("1000")
    int maxPendingFrames();

    /** A socket with unwritten frames that makes no progress for this long is closed as too slow. */
    @WithDefault("30s")
    Duration slowClientTimeout();

    /** Threads that replay missed effects to resuming sockets (reading the outbox table). */
    @WithDefault("4")
    int replayThreads();

    /**
     * Replayed frames per second on this node, shared by every resuming socket (0: no limit), so that a
     * client catching up on a long history cannot take the cores from live traffic.
     */
    @WithDefault("5000")
    int replayFramesPerSecond();
}
