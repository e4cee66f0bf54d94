package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import java.time.Duration;
import org.inferenceauth.gateway.routing.Upstream;

/**
 * Opens the request to the upstream the interceptor chose. The idle timeout covers both the wait
 * for response headers (a long prefill) and silence in the middle of a stream.
 */
public final class UpstreamOrigin implements OriginRequestProvider {

    private final long connectTimeoutMillis;
    private final long idleTimeoutMillis;

    public UpstreamOrigin(Duration connectTimeout, Duration idleTimeout) {
        this.connectTimeoutMillis = connectTimeout.toMillis();
        this.idleTimeoutMillis = idleTimeout.toMillis();
    }

    @Override
    public Future<HttpClientRequest> create(ProxyContext ctx) {
        Upstream upstream = ctx.get(GatewayInterceptor.UPSTREAM, Upstream.class);
        if (upstream == null) {
            return Future.failedFuture(new IllegalStateException("no upstream chosen"));
        }
        return ctx.client().request(new RequestOptions()
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setSsl(upstream.ssl())
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(idleTimeoutMillis));
    }
}
