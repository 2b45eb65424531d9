package dev.switchboard.genesys;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Genesys Cloud's login and API hosts, faked with WireMock for every test (the global test settings
 * point both at it). Tests stub what they need on {@link #server()} and read what was sent.
 */
public class GenesysFake implements QuarkusTestResourceLifecycleManager {
    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(16));
        server.start();
        return Map.of("switchboard.genesys.login-base-url", server.baseUrl(),
                "switchboard.genesys.api-base-url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
