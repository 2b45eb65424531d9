package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load generators' HTTP client for open loops: one Vert.x event loop. The JDK's client took a
 * third of the machine's two cores at 200 requests a second, beside a service using about as much.
 */
final class EventLoopHttp implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client;

    EventLoopHttp(String url) {
        URI target = URI.create(url);
        // enough connections that a request never waits for one: the open loop times from the intended send
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.getHost())
                .setDefaultPort(target.getPort()), new PoolOptions().setHttp1MaxSize(512));
    }

    /** The same event loop, for the caller's WebSocket clients. */
    Vertx vertx() {
        return vertx;
    }

    /** Posts {@code body} and completes with the status once the whole response has arrived. */
    CompletableFuture<Integer> post(String path, Map<String, String> headers, Buffer body) {
        return client.request(HttpMethod.POST, path)
                .compose(request -> {
                    headers.forEach(request::putHeader);
                    return request.send(body);
                })
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .toCompletionStage().toCompletableFuture();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
