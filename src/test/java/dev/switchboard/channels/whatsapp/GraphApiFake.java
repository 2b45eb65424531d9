package dev.switchboard.channels.whatsapp;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Meta's Graph API, faked with WireMock for every test (the service's base URL points at it). Tests
 * stub the answers they need on {@link #server()} and read what was sent from its request journal.
 */
public class GraphApiFake implements QuarkusTestResourceLifecycleManager {
    public static final String VERSION_PATH = "/v21.0";
    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(16));
        server.start();
        return Map.of("switchboard.whatsapp.graph-base-url", server.baseUrl() + VERSION_PATH);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
