package dev.switchboard.agent.llm;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One call across all its attempts: the tokens streamed so far (once any went out, the call is not
 * retried) and the deadline of its total time budget, which no attempt and no wait may outlast.
 */
public final class StreamProgress {
    private final Consumer<String> onToken;
    private final long deadlineNanos;
    private final AtomicInteger streamed = new AtomicInteger();
    private volatile boolean timedOut;

    public StreamProgress(Consumer<String> onToken, Duration budget) {
        this.onToken = onToken;
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    /** Time left of the call's budget; zero or less when it is spent. */
    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    /** Throws when the budget is spent (and records it as a timeout). */
    void checkBudget() throws LlmBudgetExhausted {
        if (remainingNanos() <= 0) {
            markTimedOut();
            throw new LlmBudgetExhausted("the call's total time budget is spent");
        }
    }

    void token(String token) {
        streamed.incrementAndGet();
        onToken.accept(token);
    }

    void markTimedOut() {
        timedOut = true;
    }

    /** True if an attempt was interrupted by the timeout (the reason to report, whatever came after). */
    public boolean timedOut() {
        return timedOut;
    }

    public int streamed() {
        return streamed.get();
    }
}
