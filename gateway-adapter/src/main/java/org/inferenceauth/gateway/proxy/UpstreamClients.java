package org.inferenceauth.gateway.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One upstream HTTP client, with its own connection pool, per event loop. A Vert.x client's pool
 * lends any idle connection to any caller, and a connection answers on the event loop that opened
 * it: with one pool for all loops, most calls crossed threads twice (the request handed to the
 * connection's loop, the response handed back), a wake-up of another thread each time. With a pool
 * per loop, a call stays on the loop that accepted the client's connection. The relay's common
 * case uses {@link #connections()}, the same limits on Netty directly.
 */
public final class UpstreamClients {

    private final Vertx vertx;
    private final Supplier<HttpClientOptions> options;
    private final PoolOptions pool;
    private final Object key = new Object();
    private final List<HttpClient> all = new CopyOnWriteArrayList<>();

    private final UpstreamConnections connections;

    /**
     * @param pool each loop's pool: the configured connection limit is per event loop
     * @param connectTimeout how long a new connection may take
     */
    public UpstreamClients(Vertx vertx, Supplier<HttpClientOptions> options, PoolOptions pool, Duration connectTimeout) {
        this.vertx = vertx;
        this.options = options;
        this.pool = pool;
        this.connections = new UpstreamConnections((VertxInternal) vertx, pool.getHttp1MaxSize(),
                options.get().getKeepAliveTimeout() * 1000L, connectTimeout.toMillis());
    }

    /** The calling event loop's client (created on first use); outside any Vert.x context, a shared one. */
    HttpClient current() {
        Context context = Vertx.currentContext();
        HttpClient client = context == null ? null : context.get(key);
        if (client == null) {
            synchronized (this) {
                client = context == null ? null : context.get(key);
                if (client == null) {
                    client = vertx.httpClientBuilder().with(options.get()).with(pool).build();
                    all.add(client);
                    if (context != null) {
                        context.put(key, client);
                    }
                }
            }
        }
        return client;
    }

    /** The same limits' pools on Netty directly, for plain-HTTP calls with a buffered body ({@link UpstreamConnections}). */
    UpstreamConnections connections() {
        return connections;
    }

    public Future<Void> close() {
        return Future.all(all.stream().map(HttpClient::close).toList()).compose(v -> connections.close());
    }
}
