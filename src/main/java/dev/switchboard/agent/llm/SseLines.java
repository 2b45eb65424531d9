package dev.switchboard.agent.llm;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lines of a streamed HTTP response, read one at a time by a blocking caller that can be
 * interrupted. The JDK's own line stream ignores interrupts; here an interrupt (a fault-tolerance
 * timeout) ends the wait, and {@link #close()} cancels the exchange so the connection is dropped.
 */
final class SseLines implements AutoCloseable {
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private final CompletableFuture<HttpResponse<Void>> exchange;
    private volatile Flow.Subscription subscription;

    SseLines(HttpClient http, HttpRequest request) {
        Flow.Subscriber<String> subscriber = new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                items.add(line);
            }

            @Override
            public void onError(Throwable error) {
                items.add(error);
            }

            @Override
            public void onComplete() {
                items.add(END);
            }
        };
        this.exchange = http.sendAsync(request, info -> {
            status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(subscriber, s -> null, StandardCharsets.UTF_8,
                    null);
        });
        exchange.whenComplete((response, error) -> {
            if (error != null) {
                status.completeExceptionally(error);
                items.add(error);
            }
        });
    }

    /** Waits for the response status, at most until the call's budget is spent. */
    int status(StreamProgress budget) throws IOException, InterruptedException, LlmBudgetExhausted {
        try {
            return status.get(Math.max(0, budget.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot reach the model server: " + e.getCause().getClass().getName(), e.getCause());
        } catch (TimeoutException e) {
            budget.checkBudget();
            throw new IOException("no response status in time");
        }
    }

    /** The next line, or null at the end of the body; waits at most until the call's budget is spent. */
    String next(StreamProgress budget) throws IOException, InterruptedException, LlmBudgetExhausted {
        Object item = items.poll(Math.max(0, budget.remainingNanos()), TimeUnit.NANOSECONDS);
        if (item == null) {
            budget.checkBudget();
            throw new IOException("no line in time");
        }
        if (item == END) {
            items.add(END);
            return null;
        }
        if (item instanceof Throwable error) {
            throw new IOException(error.getClass().getName(), error);
        }
        return (String) item;
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        exchange.cancel(true);
    }
}
