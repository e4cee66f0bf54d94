package org.inferenceauth.gateway.testing;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.inferenceauth.gateway.GatewayServer;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.GatewayConfig;

/** A gateway on port 0 in front of given upstreams and a Keycloak issuer, plus a plain HTTP client. */
public final class GatewayFixture implements AutoCloseable {

    private final GatewayServer gateway;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(Vertx vertx, Map<String, String> env, boolean awaitModels, Clock limitsClock) {
        GatewayConfig config = GatewayConfig.fromEnv(env);
        this.gateway = new GatewayServer(vertx, config, new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()),
                new PrintStream(log, true, StandardCharsets.UTF_8), limitsClock);
        try {
            gateway.start().await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("gateway did not start within 30 s", e);
        }
        if (awaitModels) {
            awaitModelLists();
        }
    }

    /**
     * The gateway starts serving even when an upstream's model list is late (bounded wait), and then
     * routes by what it knows. Tests assert routing and per-model usage, so they start once every list
     * is in: a list that was slow under a loaded build machine made them flaky, not wrong.
     */
    private void awaitModelLists() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!gateway.modelCoverage().complete()) {
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("upstream model lists still missing after 30 s: " + gateway.modelCoverage());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The environment a test gateway runs with; {@code overrides} win. */
    public static Map<String, String> env(String issuer, String upstreams, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("GATEWAY_MANAGEMENT_PORT", "0");
        env.put("GATEWAY_UPSTREAMS", upstreams);
        env.put("GATEWAY_KEYCLOAK_ISSUER", issuer);
        env.put("GATEWAY_KEYCLOAK_CLIENT_ID", FakeKeycloak.CLIENT_ID);
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", FakeKeycloak.CLIENT_SECRET);
        env.put("GATEWAY_REVOCATION_POLL_INTERVAL", "200ms");
        env.put("GATEWAY_KEYCLOAK_TIMEOUT", "1s");
        // Two loops on any machine: what spans loops (connections dealt out, per-loop upstream pools and
        // Redis clients) is then exercised, which the default of one loop on a 2-core host would hide.
        env.put("GATEWAY_EVENT_LOOPS", "2");
        try { // a directory of its own: what one test's gateway spills is never another's
            env.put("GATEWAY_USAGE_SPILL_DIR", Files.createTempDirectory("usage-spill").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.putAll(overrides);
        return env;
    }

    /** Starts a gateway and waits until it knows every upstream's models. */
    public static GatewayFixture start(Vertx vertx, Map<String, String> env) {
        return new GatewayFixture(vertx, env, true, Clock.systemUTC());
    }

    /** Starts a gateway whose calendar budgets (and in-memory windows) go by {@code limitsClock}. */
    public static GatewayFixture start(Vertx vertx, Map<String, String> env, Clock limitsClock) {
        return new GatewayFixture(vertx, env, true, limitsClock);
    }

    /** Starts a gateway whose upstream is meant to be unreachable or to refuse it: no model list to wait for. */
    public static GatewayFixture startWithUpstreamDown(Vertx vertx, Map<String, String> env) {
        return new GatewayFixture(vertx, env, false, Clock.systemUTC());
    }

    public GatewayServer server() {
        return gateway;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + gateway.managementPort();
    }

    public String accessLog() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The last access-log line containing {@code text}, waiting for it: a line is written as the response ends, which may be just after the client read it. */
    public String awaitAccessLogLine(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            java.util.Optional<String> line = accessLog().lines().filter(l -> l.contains(text)).reduce((a, b) -> b);
            if (line.isPresent()) {
                return line.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no access-log line containing " + text + " within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), headers);
    }

    public HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** Any method without a body, as a forward-auth proxy sends its check requests. */
    public HttpResponse<String> request(String method, String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()), headers);
    }

    public HttpResponse<String> getAbsolute(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpClient http() {
        return http;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.stop().await();
    }
}
