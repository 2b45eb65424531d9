package dev.switchboard.agent.llm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Tokens streamed so far across all attempts of one call; once any went out, the call is not retried. */
public final class StreamProgress {
    private final Consumer<String> onToken;
    private final AtomicInteger streamed = new AtomicInteger();
    private volatile boolean timedOut;

    public StreamProgress(Consumer<String> onToken) {
        this.onToken = onToken;
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
