package org.inferenceauth.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import java.util.function.Supplier;

/**
 * Health, readiness and metrics on their own port, so they never mix with the proxied API (where
 * {@code /metrics} must be 404) and can be kept off the public network.
 */
public final class ManagementServer {

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final Supplier<Future<Readiness>> readiness;
    private HttpServer server;

    public ManagementServer(Vertx vertx, GatewayMetrics metrics, Supplier<Future<Readiness>> readiness) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    public Future<HttpServer> start(String host, int port) {
        return vertx.createHttpServer().requestHandler(this::handle).listen(port, host)
                .onSuccess(s -> server = s);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest request) {
        switch (request.path()) {
            case "/healthz" -> json(request, 200, new JsonObject().put("status", "UP"));
            case "/readyz" -> readiness.get().onComplete(done -> {
                Readiness r = done.succeeded() ? done.result() : Readiness.unknown();
                json(request, r.ready() ? 200 : 503, r.toJson());
            });
            case "/metrics" -> request.response()
                    .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape());
            default -> json(request, 404, new JsonObject().put("error", "not found"));
        }
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
