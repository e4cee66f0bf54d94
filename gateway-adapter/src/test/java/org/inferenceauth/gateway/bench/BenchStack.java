package org.inferenceauth.gateway.bench;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.GatewayServer;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;

/**
 * For {@code bench/run.sh}, not a test: a demo upstream (no chunk delay), a stand-in Keycloak and
 * the gateway, all on loopback. Writes {@code UPSTREAM=}, {@code GATEWAY=} and {@code KEY=} lines to
 * the file named by the first argument, then runs until killed. The access log is off, as an
 * operator would ship it asynchronously; everything else is the production code path.
 *
 * <p>{@code BENCH_LIMITS} chooses the limiter's share: {@code off} (no limits delivered, none
 * configured: the limiter does nothing), {@code memory} or {@code redis} (the bench user gets every
 * kind of limit, high enough never to refuse, so each call pays for every check: request windows,
 * day and month request counters, the token window and budgets, a concurrency slot; Redis at
 * {@code BENCH_REDIS_URL}, default {@code redis://127.0.0.1:6379}, under a fresh key prefix).
 */
public final class BenchStack {

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("bench-model"), Duration.ZERO)
                .start("127.0.0.1", 0).await();
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("GATEWAY_ACCESS_LOG", "false"));
        String limits = System.getenv().getOrDefault("BENCH_LIMITS", "off");
        if (!limits.equals("off")) {
            long high = 1_000_000_000L;
            io.vertx.core.json.JsonObject every = new io.vertx.core.json.JsonObject();
            for (String field : List.of("requests_per_minute", "requests_per_hour", "requests_per_day", "requests_per_month",
                    "tokens_per_minute", "tokens_per_day", "tokens_per_month", "concurrent_requests_per_model")) {
                every.put(field, high);
            }
            keycloak.setLimits("bench", new io.vertx.core.json.JsonObject().put("user", every)
                    .put("default_user", new io.vertx.core.json.JsonObject()));
        }
        if (limits.equals("redis")) {
            overrides.put("GATEWAY_REDIS_URL", System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379"));
            overrides.put("GATEWAY_REDIS_KEY_PREFIX", "bench:" + java.util.UUID.randomUUID() + ":");
            // The default 500 ms let the first connection time out on a loaded 2-core machine.
            overrides.put("GATEWAY_REDIS_TIMEOUT", "2s");
        }
        Map<String, String> env = new java.util.HashMap<>(GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                overrides));
        GatewayConfig config = GatewayConfig.fromEnv(env);
        GatewayServer gateway = new GatewayServer(vertx, config,
                new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()), new PrintStream(OutputStream.nullOutputStream()));
        gateway.start().await();
        FakeKeycloak.Key key = keycloak.mintKey("bench");
        Files.writeString(Path.of(args[0]), "UPSTREAM=http://127.0.0.1:" + upstream.port() + "\n"
                + "GATEWAY=http://127.0.0.1:" + gateway.port() + "\n"
                + "KEY=" + key.token() + "\n");
        Thread.currentThread().join();
    }
}
