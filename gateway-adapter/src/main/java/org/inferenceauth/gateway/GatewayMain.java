package org.inferenceauth.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.ConfigException;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.routing.Upstream;

/** {@code java -jar gateway-adapter.jar}: configuration from {@code GATEWAY_*} environment variables. */
public final class GatewayMain {

    private GatewayMain() {}

    public static void main(String[] args) {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Transport transport;
        try {
            transport = GatewayTransport.choose(config.transport());
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Enough event loops for the API port's servers (Vert.x's default is two per core).
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(
                Math.max(config.eventLoops(), VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE)))
                .withTransport(transport).build();
        GatewayServer gateway = new GatewayServer(vertx, config,
                new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()), System.out);
        Future<GatewayServer> started;
        try {
            started = gateway.start();
        } catch (RuntimeException e) {
            // A dependency refused synchronously (Redis unreachable at start): exit like any failed start, so a
            // supervisor (compose's restart policy) retries, instead of a JVM kept up by Vert.x serving nothing.
            started = Future.failedFuture(e);
        }
        started
                .onSuccess(g -> System.err.println("Gateway listening on " + config.host() + ":" + g.port()
                        + " (management " + config.managementHost() + ":" + g.managementPort() + "), upstreams "
                        // Labels (host:port/path): a URL is never printed whole, in case it carries more than that.
                        + config.upstreams().baseUrls().stream().map(url -> Upstream.of(url).label()).toList()
                        + ", Keycloak " + config.keycloak().issuer() + ", transport " + transport.name() + ", "
                        + config.eventLoops() + (config.eventLoops() == 1 ? " event loop" : " event loops")))
                .onFailure(e -> {
                    System.err.println("Gateway failed to start: " + e.getMessage());
                    vertx.close();
                    System.exit(1);
                });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> gateway.stop().eventually(vertx::close)
                .await(), "gateway-shutdown"));
    }
}
