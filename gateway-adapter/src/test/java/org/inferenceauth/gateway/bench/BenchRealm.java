package org.inferenceauth.gateway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.inferenceauth.gateway.testing.FakeKeycloak;

/**
 * For {@code bench/run.sh}, not a test: a stand-in Keycloak realm on loopback for the runnable
 * gateway jar the bench starts in a process of its own. Mints one API key and writes, to the file
 * named by the first argument, shell lines exporting the key ({@code BENCH_KEY}) and the
 * {@code GATEWAY_*} settings that point the gateway at this realm; then runs until killed.
 *
 * <p>{@code BENCH_LIMITS} chooses the limiter's share: {@code off} (no limits delivered, none
 * configured: the limiter does nothing), {@code memory} or {@code redis} (the bench user gets every
 * kind of limit, high enough never to refuse, so each call pays for every check: request windows,
 * day and month request counters, the token window and budgets, a concurrency slot; Redis at
 * {@code BENCH_REDIS_URL}, default {@code redis://127.0.0.1:6379}, under a fresh key prefix).
 */
public final class BenchRealm {

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        StringBuilder env = new StringBuilder()
                .append("export GATEWAY_KEYCLOAK_ISSUER=").append(keycloak.issuer()).append('\n')
                .append("export GATEWAY_KEYCLOAK_CLIENT_ID=").append(FakeKeycloak.CLIENT_ID).append('\n')
                .append("export GATEWAY_KEYCLOAK_CLIENT_SECRET=").append(FakeKeycloak.CLIENT_SECRET).append('\n');
        String limits = System.getenv().getOrDefault("BENCH_LIMITS", "off");
        if (!limits.equals("off")) {
            long high = 1_000_000_000L;
            JsonObject every = new JsonObject();
            for (String field : List.of("requests_per_minute", "requests_per_hour", "requests_per_day", "requests_per_month",
                    "tokens_per_minute", "tokens_per_day", "tokens_per_month", "concurrent_requests_per_model")) {
                every.put(field, high);
            }
            keycloak.setLimits("bench", new JsonObject().put("user", every).put("default_user", new JsonObject()));
        }
        if (limits.equals("redis")) {
            env.append("export GATEWAY_REDIS_URL=")
                    .append(System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379")).append('\n')
                    .append("export GATEWAY_REDIS_KEY_PREFIX=bench:").append(UUID.randomUUID()).append(":\n")
                    // The 500 ms default timed out the first Redis connection on a loaded machine.
                    .append("export GATEWAY_REDIS_TIMEOUT=2s\n");
        }
        env.append("export BENCH_KEY=").append(keycloak.mintKey("bench").token()).append('\n');
        Files.writeString(Path.of(args[0]), env);
        Thread.currentThread().join();
    }
}
