package dev.switchboard.support;

import dev.switchboard.agent.Agent;
import dev.switchboard.agent.AgentInput;
import dev.switchboard.agent.AgentReply;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only fault injection around the real agent, steered by the message text, so tests can fail
 * the agent layer on purpose; any other text reaches the agent untouched.
 * <ul>
 * <li>{@code fault:error:<tag> …} throws an {@link AssertionError} (an Error, not an exception) until
 * {@link #heal(String)} is called for the tag;</li>
 * <li>{@code fault:error-twice:<tag> …} throws an Error on the first two attempts only;</li>
 * <li>{@code fault:exception:<tag> …} throws an IllegalStateException whose message quotes the text;</li>
 * <li>{@code fault:recursion:<tag> …} overflows the stack, as input that recursed too deep would.</li>
 * </ul>
 */
@Decorator
@Priority(10)
public abstract class FaultyAgent implements Agent {
    private static final ConcurrentHashMap<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    private static final java.util.Set<String> HEALED = ConcurrentHashMap.newKeySet();

    @Inject
    @Delegate
    @Any
    Agent delegate;

    public static int attempts(String tag) {
        AtomicInteger n = ATTEMPTS.get(tag);
        return n == null ? 0 : n.get();
    }

    public static void heal(String tag) {
        HEALED.add(tag);
    }

    @Override
    public AgentReply respond(AgentInput input) {
        String text = input.text() == null ? "" : input.text();
        if (text.startsWith("fault:")) {
            String[] parts = text.split("[: ]", 4);
            String kind = parts[1];
            String tag = parts.length > 2 ? parts[2] : "";
            int attempt = ATTEMPTS.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
            switch (kind) {
                case "error" -> {
                    if (!HEALED.contains(tag)) {
                        throw new AssertionError("injected failure on: " + text);
                    }
                }
                case "error-twice" -> {
                    if (attempt <= 2) {
                        throw new AssertionError("injected failure on: " + text);
                    }
                }
                case "exception" -> throw new IllegalStateException("injected failure on: " + text);
                case "recursion" -> recurse(0);
                default -> {
                }
            }
        }
        return delegate.respond(input);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
