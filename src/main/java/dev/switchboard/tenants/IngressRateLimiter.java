package dev.switchboard.tenants;

import dev.switchboard.ops.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-tenant token buckets on ingress (messages over REST and WebSocket), so that one noisy tenant
 * cannot starve the others. The bucket lives in Redis, shared by every node, and is taken from in
 * one atomic script on Redis's clock. While Redis does not answer within {@link #REDIS_BUDGET}, each
 * node falls back to a bucket of its own (a tenant then gets up to N times the rate on N nodes) and
 * asks Redis again after {@link #RETRY_REDIS_AFTER_NANOS}. A rate of 0 (the default) turns the limit
 * off and Redis is never asked.
 */
@ApplicationScoped
public class IngressRateLimiter {
    private static final Duration REDIS_BUDGET = Duration.ofMillis(100);
    private static final long RETRY_REDIS_AFTER_NANOS = 1_000_000_000L;
    /** KEYS[1] the bucket; ARGV rate per second, burst. Returns the milliseconds to wait, 0 to go now. */
    static final String TAKE = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or burst
            local at = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
            return wait""";

    private final double perSecond;
    private final double burst;
    private final ReactiveRedisDataSource redis;
    private final Counter fallbacks;
    private final ConcurrentHashMap<TenantId, Bucket> buckets = new ConcurrentHashMap<>();
    /** System.nanoTime before which Redis is not asked (it failed lately); 0: ask it. */
    private volatile long localUntil;

    IngressRateLimiter(@ConfigProperty(name = "switchboard.rate-limit.messages-per-second", defaultValue = "0")
            double perSecond,
            @ConfigProperty(name = "switchboard.rate-limit.burst", defaultValue = "400") double burst,
            ReactiveRedisDataSource redis, MeterRegistry metrics) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.redis = redis;
        this.fallbacks = Counter.builder("switchboard.rate.limit.local.fallbacks")
                .description("Rate-limit checks decided by this node's own bucket because Redis did not answer")
                .register(metrics);
    }

    static String key(TenantId tenant) {
        return "switchboard:rate:" + tenant;
    }

    private final class Bucket {
        private double tokens = burst;
        private long refilledAt = System.nanoTime();

        synchronized Optional<Duration> take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) ((1 - tokens) / perSecond * 1e9)));
        }
    }

    /** Whether a limit is set: only then does {@link #tryAcquire} ask Redis, and may wait. */
    public boolean limits() {
        return perSecond > 0;
    }

    /** Empty if the tenant may send now; otherwise how long until it may. Blocks for at most 100 ms. */
    public Optional<Duration> tryAcquire(TenantId tenant) {
        if (!limits()) {
            return Optional.empty();
        }
        if (System.nanoTime() >= localUntil) {
            try {
                Response wait = redis.execute("EVAL", TAKE, "1", key(tenant), Double.toString(perSecond),
                        Double.toString(burst)).await().atMost(REDIS_BUDGET);
                long millis = wait.toLong();
                return millis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
            } catch (RuntimeException e) {
                localUntil = System.nanoTime() + RETRY_REDIS_AFTER_NANOS;
            }
        }
        fallbacks.increment();
        return buckets.computeIfAbsent(tenant, t -> new Bucket()).take();
    }

    /** Throws 429 (with Retry-After) when the tenant is over its limit. */
    public void acquireOrRefuse(TenantId tenant) {
        tryAcquire(tenant).ifPresent(wait -> {
            throw ProblemException.rateLimited(Math.max(1, (wait.toMillis() + 999) / 1000));
        });
    }
}
