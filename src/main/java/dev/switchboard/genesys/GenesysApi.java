package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls to a tenant's Genesys Cloud organisation: OAuth client credentials against its login host
 * (the token cached, refreshed before it expires, one refresh at a time per organisation), and the
 * Platform API on its api host, each call under a timeout and the organisation's circuit breaker
 * (Genesys's throttles and outages open it; a refusal of one request does not). The hosts come from
 * the region, or from the global test settings, never from the tenant.
 */
@ApplicationScoped
class GenesysApi {
    private record Token(String value, Instant refreshAt) {
    }

    private final GenesysConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    private final HttpClient http;
    private final ConcurrentHashMap<UUID, Token> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Object> refreshLocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Guard> guards = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, CircuitBreakerState> breakers = new ConcurrentHashMap<>();
    private final Timer calls;

    GenesysApi(GenesysConfig config, ObjectMapper mapper, MeterRegistry metrics) {
        this.config = config;
        this.mapper = mapper;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(config.callTimeout()).build();
        this.calls = Timer.builder("switchboard.genesys.call").publishPercentileHistogram()
                .description("Time of one call to a Genesys Cloud API").register(metrics);
    }

    JsonNode post(GenesysDesk desk, String path, JsonNode body) {
        return call(desk, "POST", path, body);
    }

    /**
     * A best-effort signal (typing, a receipt): under the timeout but outside the breaker, so a flood
     * of them, or Genesys throttling them, never holds the customer's messages back.
     */
    void signal(GenesysDesk desk, String path, JsonNode body) {
        try {
            HttpResponse<String> answer = send(desk, "POST", path, body, token(desk, false));
            read(answer, what("POST", path));
        } catch (IOException e) {
            throw new GenesysUnavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenesysUnavailable(e);
        }
    }

    /** Forgets the organisation's token and breaker: its settings changed (another client, another org). */
    void forget(UUID deskId) {
        tokens.remove(deskId);
        guards.remove(deskId);
        breakers.remove(deskId);
    }

    JsonNode patch(GenesysDesk desk, String path, JsonNode body) {
        return call(desk, "PATCH", path, body);
    }

    JsonNode get(GenesysDesk desk, String path) {
        return call(desk, "GET", path, null);
    }

    /** Whether the organisation's breaker holds calls back now. */
    boolean breakerOpen(GenesysDesk desk) {
        return breakers.getOrDefault(desk.id(), CircuitBreakerState.CLOSED) == CircuitBreakerState.OPEN;
    }

    private JsonNode call(GenesysDesk desk, String method, String path, JsonNode body) {
        Guard guard = guards.computeIfAbsent(desk.id(), id -> guard(id));
        try {
            return guard.call(() -> {
                long started = System.nanoTime();
                try {
                    HttpResponse<String> answer = send(desk, method, path, body, token(desk, false));
                    if (answer.statusCode() == 401) { // revoked or expired early: one new token, once
                        answer = send(desk, method, path, body, token(desk, true));
                    }
                    return read(answer, what(method, path));
                } finally {
                    calls.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
            }, JsonNode.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new GenesysUnavailable(e);
        } finally {
            // the guard's timeout interrupts the calling thread (a delivery lane); the lane must not keep the flag
            Thread.interrupted();
        }
    }

    /** A call that did not get an answer (a timeout, a refused connection, the breaker open). */
    static final class GenesysUnavailable extends RuntimeException {
        GenesysUnavailable(Throwable cause) {
            super("Genesys did not answer: " + cause.getClass().getSimpleName(), cause, false, false);
        }
    }

    /** A call as an error names it: the path without its ids. */
    private static String what(String method, String path) {
        return method + " " + path.replaceAll("/[0-9a-f-]{20,}", "/{id}");
    }

    private HttpResponse<String> send(GenesysDesk desk, String method, String path, JsonNode body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase(desk) + path))
                .timeout(config.callTimeout()).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode read(HttpResponse<String> answer, String what) throws IOException {
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
            return answer.body() == null || answer.body().isBlank() ? mapper.createObjectNode()
                    : mapper.readTree(answer.body());
        }
        throw new GenesysError(status, retryAfter(answer), what);
    }

    private static Optional<Duration> retryAfter(HttpResponse<String> answer) {
        return answer.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: our own default applies
            }
        });
    }

    /** The organisation's token: cached until shortly before it expires; one refresh at a time. */
    private String token(GenesysDesk desk, boolean renew) throws IOException, InterruptedException {
        Token known = tokens.get(desk.id());
        if (!renew && known != null && Instant.now().isBefore(known.refreshAt())) {
            return known.value();
        }
        synchronized (refreshLocks.computeIfAbsent(desk.id(), id -> new Object())) {
            Token current = tokens.get(desk.id());
            if (current != null && current != known && Instant.now().isBefore(current.refreshAt())) {
                return current.value(); // another caller refreshed it while this one waited
            }
            Token fresh = requestToken(desk);
            tokens.put(desk.id(), fresh);
            return fresh.value();
        }
    }

    private Token requestToken(GenesysDesk desk) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((desk.clientId() + ":" + desk.clientSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(loginBase(desk) + "/oauth/token"))
                .timeout(config.callTimeout()).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode("client_credentials",
                        StandardCharsets.UTF_8))).build();
        JsonNode answer = read(http.send(request, HttpResponse.BodyHandlers.ofString()), "POST /oauth/token");
        String value = answer.path("access_token").asText(null);
        if (value == null || value.isEmpty()) {
            throw new GenesysError(502, Optional.empty(), "POST /oauth/token (no access_token)");
        }
        metrics.counter("switchboard.genesys.tokens").increment();
        long expiresIn = answer.path("expires_in").asLong(3600);
        Instant refreshAt = Instant.now().plusSeconds(expiresIn).minus(config.tokenRefreshBefore());
        return new Token(value, refreshAt);
    }

    private String loginBase(GenesysDesk desk) {
        return config.loginBaseUrl().orElse("https://login." + desk.region());
    }

    private String apiBase(GenesysDesk desk) {
        return config.apiBaseUrl().orElse("https://api." + desk.region());
    }

    private Guard guard(UUID deskId) {
        GenesysConfig.Breaker breaker = config.breaker();
        return Guard.create()
                .withDescription("genesys:" + deskId)
                .withCircuitBreaker()
                    .requestVolumeThreshold(breaker.requestVolume())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .when(GenesysApi::countsAgainstBreaker)
                    .onStateChange(state -> breakers.put(deskId, state))
                    .done()
                .withTimeout().duration(config.callTimeout().toMillis() + 1000, ChronoUnit.MILLIS).done()
                .build();
    }

    private static boolean countsAgainstBreaker(Throwable failure) {
        if (failure instanceof GenesysError error) {
            return error.transientFailure();
        }
        return true; // no answer at all
    }
}
