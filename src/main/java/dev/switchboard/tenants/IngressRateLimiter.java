package dev.switchboard.tenants;

import dev.switchboard.ops.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-tenant token buckets on ingress (messages over REST and WebSocket), so that one noisy tenant
 * cannot starve the others. Buckets are per node: behind a load balancer with N nodes a tenant
 * gets up to N times the rate. A rate of 0 (the default) turns the limit off.
 */
@ApplicationScoped
public class IngressRateLimiter {
    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<TenantId, Bucket> buckets = new ConcurrentHashMap<>();

    IngressRateLimiter(@ConfigProperty(name = "switchboard.rate-limit.messages-per-second", defaultValue = "0")
            double perSecond,
            @ConfigProperty(name = "switchboard.rate-limit.burst", defaultValue = "400") double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
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

    /** Empty if the tenant may send now; otherwise how long until it may. */
    public Optional<Duration> tryAcquire(TenantId tenant) {
        if (perSecond <= 0) {
            return Optional.empty();
        }
        return buckets.computeIfAbsent(tenant, t -> new Bucket()).take();
    }

    /** Throws 429 (with Retry-After) when the tenant is over its limit. */
    public void acquireOrRefuse(TenantId tenant) {
        tryAcquire(tenant).ifPresent(wait -> {
            throw ProblemException.rateLimited(Math.max(1, (wait.toMillis() + 999) / 1000));
        });
    }
}
