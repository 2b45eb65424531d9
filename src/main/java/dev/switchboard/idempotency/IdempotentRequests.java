package dev.switchboard.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ops.Problem;
import dev.switchboard.ops.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs state-changing HTTP commands at most once per {@code Idempotency-Key} (IETF httpapi draft
 * "The Idempotency-Key HTTP Header Field"). The key is claimed first; the command's writes and
 * its stored response commit in ONE transaction; a retry gets the stored response byte for byte
 * with {@code Idempotent-Replayed: true}. The same key with another request is 422, a key whose
 * request is still executing is 409, and a server error frees the key for a retry.
 */
@ApplicationScoped
public class IdempotentRequests {
    public static final String HEADER = IdempotencyKeyHeader.NAME;
    public static final String REPLAYED = "Idempotent-Replayed";
    /** The scope of keys sent to the admin API, which has no tenant. */
    public static final UUID ADMIN_SCOPE = new UUID(0, 0);
    private static final Logger LOG = Logger.getLogger(IdempotentRequests.class);
    private static final String[] KEPT_HEADERS = {HttpHeaders.LOCATION, "Retry-After"};

    private final IdempotencyStore store;
    private final IdempotencyConfig config;
    private final ObjectMapper mapper;
    private final RequestFingerprint fingerprints;
    private final Counter replays;
    private final Counter conflicts;
    private final Counter mismatches;
    private final AtomicLong activeKeys = new AtomicLong();

    /** A command answered with a server error: rolled back, its key released. */
    private static final class ServerError extends RuntimeException {
        final StoredResponse response;

        ServerError(StoredResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** The key was reclaimed by a retry while this execution held it too long: roll back. */
    private static final class LostClaim extends RuntimeException {
        LostClaim() {
            super(null, null, false, false);
        }
    }

    IdempotentRequests(IdempotencyStore store, IdempotencyConfig config, ObjectMapper mapper, MeterRegistry registry) {
        this.store = store;
        this.config = config;
        this.mapper = mapper;
        this.fingerprints = new RequestFingerprint(mapper);
        this.replays = Counter.builder("switchboard.idempotency.replays")
                .description("Requests answered from a stored response").register(registry);
        this.conflicts = Counter.builder("switchboard.idempotency.conflicts")
                .description("Requests refused with 409: the key's first request was still executing").register(registry);
        this.mismatches = Counter.builder("switchboard.idempotency.mismatches")
                .description("Requests refused with 422: the key was used for a different request").register(registry);
        Gauge.builder("switchboard.idempotency.active.keys", activeKeys, AtomicLong::get)
                .description("Idempotency keys not yet expired").register(registry);
    }

    /**
     * Executes {@code command} once for this key, or answers from what the key already holds.
     * The command runs inside a transaction that also stores its response; it must join it.
     */
    public Response execute(UUID scope, String rawKey, String method, String path, String body,
            Supplier<Response> command) {
        String key = IdempotencyKeyHeader.parse(rawKey);
        String fingerprint = fingerprints.of(method, path, body);
        UUID owner = UUID.randomUUID();
        Claim claim = store.claim(scope, key, fingerprint, owner, config.lockTimeout(), config.ttl());
        if (claim instanceof Claim.Completed completed) {
            replays.increment();
            return respond(completed.response(), true);
        }
        if (claim instanceof Claim.Mismatch) {
            mismatches.increment();
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different request (method, path or body).");
        }
        if (claim instanceof Claim.InProgress) {
            throw inProgress();
        }
        return run(scope, key, owner, path, command);
    }

    private Response run(UUID scope, String key, UUID owner, String path, Supplier<Response> command) {
        try {
            StoredResponse response = QuarkusTransaction.requiringNew().call(() -> {
                StoredResponse captured = capture(command.get());
                if (captured.status() >= 500) {
                    throw new ServerError(captured);
                }
                completeOrRollBack(scope, key, owner, captured);
                return captured;
            });
            return respond(response, false);
        } catch (ProblemException problem) {
            // the command refused the request: its writes are rolled back, the answer is kept
            StoredResponse captured = capture(problemResponse(problem, path));
            if (captured.status() >= 500) {
                store.release(scope, key, owner);
                throw problem;
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> completeOrRollBack(scope, key, owner, captured));
            } catch (LostClaim lost) {
                throw inProgress();
            }
            return respond(captured, false);
        } catch (ServerError error) {
            store.release(scope, key, owner);
            return respond(error.response, false);
        } catch (LostClaim lost) {
            throw inProgress();
        } catch (RuntimeException e) {
            store.release(scope, key, owner);
            throw e;
        }
    }

    private void completeOrRollBack(UUID scope, String key, UUID owner, StoredResponse response) {
        if (!store.complete(scope, key, owner, response)) {
            LOG.warnf("idempotency key %s was reclaimed while its request executed; rolled back", key);
            throw new LostClaim();
        }
    }

    private ProblemException inProgress() {
        conflicts.increment();
        return new ProblemException(409, "idempotency-key-in-use", "Request in progress",
                "A request with this Idempotency-Key is still being processed; retry shortly.");
    }

    private Response problemResponse(ProblemException problem, String path) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(Problem.of(problem, path)).build();
    }

    private StoredResponse capture(Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        MediaType type = response.getMediaType();
        Object entity = response.getEntity();
        byte[] body;
        try {
            if (entity == null) {
                body = new byte[0];
            } else if (entity instanceof byte[] bytes) {
                body = bytes;
            } else if (entity instanceof String text) {
                body = text.getBytes(StandardCharsets.UTF_8);
            } else {
                body = mapper.writeValueAsBytes(entity);
                if (type == null) {
                    type = MediaType.APPLICATION_JSON_TYPE;
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serialisable", e);
        }
        if (type != null) {
            headers.put(HttpHeaders.CONTENT_TYPE, type.toString());
        }
        for (String name : KEPT_HEADERS) {
            String value = response.getHeaderString(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return new StoredResponse(response.getStatus(), headers, body);
    }

    private static Response respond(StoredResponse stored, boolean replayed) {
        Response.ResponseBuilder builder = Response.status(stored.status()).entity(stored.body());
        stored.headers().forEach(builder::header);
        if (replayed) {
            builder.header(REPLAYED, "true");
        }
        return builder.build();
    }

    @Scheduled(every = "${switchboard.idempotency.purge-interval:10m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        int deleted;
        long total = 0;
        do {
            deleted = store.purgeExpired(config.purgeBatch());
            total += deleted;
        } while (deleted == config.purgeBatch());
        if (total > 0) {
            LOG.infof("purged %d expired idempotency keys", total);
        }
        activeKeys.set(store.active());
    }

    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshActiveKeys() {
        activeKeys.set(store.active());
    }
}
