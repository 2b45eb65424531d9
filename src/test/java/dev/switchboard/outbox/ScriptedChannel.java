package dev.switchboard.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an outside channel (a webhook, WhatsApp) that fails as a test scripts it:
 * sessions whose key starts with "down" always fail, those whose key starts with "poison" are refused
 * as dead letters until healed, others fail a set number of times first.
 */
@ApplicationScoped
public class ScriptedChannel implements ChannelDelivery {
    public static final String NAME = "scripted";

    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> delivered = new ConcurrentHashMap<>();
    private final Set<String> healed = ConcurrentHashMap.newKeySet();

    @Override
    public String channel() {
        return NAME;
    }

    public void failNext(String sessionKey, int times) {
        failuresLeft.put(sessionKey, new AtomicInteger(times));
    }

    /** From now on, the poisoned session {@code sessionKey} is delivered. */
    public void heal(String sessionKey) {
        healed.add(sessionKey);
    }

    public List<Long> delivered(String sessionKey) {
        synchronized (delivered) {
            return new ArrayList<>(delivered.getOrDefault(sessionKey, List.of()));
        }
    }

    @Override
    public DeliveryOutcome deliver(Effect effect) throws IOException, DeliveryRefused {
        String key = effect.address().key();
        if (key.startsWith("down")) {
            throw new IOException("scripted outage");
        }
        if (key.startsWith("poison") && !healed.contains(key)) {
            throw new DeliveryRefused("scripted_refusal", "scripted refusal", true);
        }
        AtomicInteger left = failuresLeft.get(key);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IOException("scripted failure");
        }
        synchronized (delivered) {
            delivered.computeIfAbsent(key, k -> new ArrayList<>()).add(effect.seq());
        }
        return DeliveryOutcome.DELIVERED;
    }
}
