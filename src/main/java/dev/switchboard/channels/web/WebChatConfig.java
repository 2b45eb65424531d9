package dev.switchboard.channels.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "switchboard.web")
public interface WebChatConfig {
    /** Largest message text accepted, in UTF-8 bytes. */
    @WithDefault("16384")
    int maxTextBytes();

    /** Largest WebSocket frame accepted, in UTF-8 bytes; larger ones get an error frame. */
    @WithDefault("65536")
    int maxFrameBytes();
}
