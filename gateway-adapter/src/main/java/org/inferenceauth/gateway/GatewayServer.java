package org.inferenceauth.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/** The gateway's HTTP server. For now it only answers health checks. */
public final class GatewayServer {

    private final Vertx vertx;
    private HttpServer server;

    public GatewayServer(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Listens on the given port (0 picks a free one) of the given host. */
    public Future<GatewayServer> start(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json")
                .end("{\"status\":\"UP\"}"));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .map(listening -> {
                    this.server = listening;
                    return this;
                });
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("GATEWAY_PORT", "8000"));
        String host = System.getenv().getOrDefault("GATEWAY_HOST", "0.0.0.0");
        new GatewayServer(Vertx.vertx()).start(host, port)
                .onSuccess(g -> System.out.println("Gateway listening on " + host + ":" + g.port()))
                .onFailure(e -> {
                    System.err.println("Gateway failed to start: " + e.getMessage());
                    System.exit(1);
                });
    }
}
