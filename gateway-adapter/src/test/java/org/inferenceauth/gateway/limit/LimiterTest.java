package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.limit.store.LimitStore;
import org.inferenceauth.gateway.limit.store.LocalLimitStore;
import org.inferenceauth.gateway.limit.store.RedisLimitStore;
import org.inferenceauth.gateway.limit.store.StoreHealth;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.testing.CapturedLogs;
import org.inferenceauth.gateway.testing.Eventually;
import org.inferenceauth.gateway.testing.MutableClock;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.gateway.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The limiter against both stores: in memory, and in the shared test Redis (127.0.0.1:6379) under a
 * key prefix of its own per test, where "two replicas" are two stores on one Redis.
 */
@DisplayName("Enforcing limits")
class LimiterTest {

    static Vertx vertx;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:58:00Z"));
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final String prefix = "test:" + UUID.randomUUID() + ":";
    private final List<LimitStore> stores = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = ProductionVertx.create();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(LimitStore::close);
    }

    /** One gateway replica's limiter; replicas of the Redis kind share the test's Redis keys. */
    private Limiter replica(String store) {
        return new Limiter(store(store, "redis://127.0.0.1:6379", Duration.ofSeconds(30)), new Calendar(clock), metrics);
    }

    private LimitStore store(String kind, String redisUrl, Duration leaseTtl) {
        LocalLimitStore local = new LocalLimitStore(10_000, clock);
        LimitStore store = kind.equals("memory") ? local
                : new RedisLimitStore(vertx, redisUrl, Optional.empty(), Duration.ofSeconds(2), prefix, leaseTtl, local,
                        new StoreHealth(metrics));
        stores.add(store);
        return store;
    }

    private static Scope user(String id, JsonObject limits) {
        return new Scope(Scope.Kind.USER, id, LimitSet.fromJson(limits));
    }

    private static LimitDecision admit(Limiter limiter, List<Scope> payers, String model) {
        Context context = vertx.getOrCreateContext();
        return limiter.admit(payers, model, "api_key", context).await();
    }

    private static OpenAiError refusal(LimitDecision decision) {
        assertThat(decision).isInstanceOf(LimitDecision.Refused.class);
        return ((LimitDecision.Refused) decision).error();
    }

    private static LimitDecision.Allowed allowed(LimitDecision decision) {
        assertThat(decision).isInstanceOf(LimitDecision.Allowed.class);
        return (LimitDecision.Allowed) decision;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("request windows: the tightest one is reported, a spent one refuses with OpenAI's 429 and headers")
    void requestWindows(String store) {
        Limiter limiter = replica(store);
        List<Scope> payer = List.of(user("alice", new JsonObject().put("requests_per_minute", 3).put("requests_per_hour", 2)));

        LimitDecision.Allowed first = allowed(admit(limiter, payer, null));
        allowed(admit(limiter, payer, null));
        OpenAiError third = refusal(admit(limiter, payer, null));

        assertThat(first.headers()).containsEntry("x-ratelimit-limit-requests", "2")
                .containsEntry("x-ratelimit-remaining-requests", "1").containsKey("x-ratelimit-reset-requests");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.code()).isEqualTo("rate_limit_exceeded");
        assertThat(third.type()).isEqualTo("requests");
        assertThat(third.message()).contains("per hour").contains("Limit 2");
        assertThat(third.headers()).containsEntry("x-ratelimit-remaining-requests", "0")
                .containsKeys("retry-after", "retry-after-ms").doesNotContainKey("x-should-retry");
        assertThat(Long.parseLong(third.headers().get("retry-after"))).isBetween(1L, 1800L);
        assertThat(metrics.scrape()).contains("gateway_rate_limited_total{limit=\"requests_per_hour\",method=\"api_key\",scope=\"user\"} 1.0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("a request refused by one payer costs the others nothing")
    void refusalGivesBack(String store) {
        Limiter limiter = replica(store);
        Scope person = user("bob", new JsonObject().put("requests_per_minute", 2).put("requests_per_day", 2));
        Scope key = new Scope(Scope.Kind.KEY, "k1", LimitSet.fromJson(new JsonObject().put("requests_per_minute", 1)));

        allowed(admit(limiter, List.of(person, key), null));
        OpenAiError byKey = refusal(admit(limiter, List.of(person, key), null));

        assertThat(byKey.message()).contains("this API key");
        LimitDecision.Allowed otherKey = allowed(admit(limiter, List.of(person), null));
        assertThat(otherKey.headers()).as("the refused call gave its person's units back")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-remaining-requests-day", "0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("tokens per minute: charged when the call ends, the next call is refused while the window is below one")
    void tokensPerMinute(String store) {
        Limiter limiter = replica(store);
        List<Scope> payer = List.of(user("carol", new JsonObject().put("tokens_per_minute", 1000)));

        LimitDecision.Allowed first = allowed(admit(limiter, payer, null));
        first.charge().settle(900, 300).join();
        OpenAiError refused = refusal(admit(limiter, payer, null));

        assertThat(first.headers()).containsEntry("x-ratelimit-limit-tokens", "1000")
                .containsEntry("x-ratelimit-remaining-tokens", "1000");
        assertThat(refused.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.type()).isEqualTo("tokens");
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-tokens", "0");
        // 200 tokens below zero refill at 1000 a minute: one token in 12-13 s.
        assertThat(Long.parseLong(refused.headers().get("retry-after-ms"))).isBetween(11_000L, 13_000L);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("a day token budget: the call that would start over budget is refused for good, until 00:00 UTC")
    void dayBudgetAcrossReplicas(String store) {
        Limiter one = replica(store);
        Limiter two = store.equals("redis") ? replica(store) : one;
        List<Scope> project = List.of(new Scope(Scope.Kind.PROJECT, "alpha",
                LimitSet.fromJson(new JsonObject().put("tokens_per_day", 1000).put("tokens_per_month", 100_000))));

        allowed(admit(one, project, null)).charge().settle(600, 0).join();
        LimitDecision.Allowed second = allowed(admit(two, project, null));
        second.charge().settle(300, 200).join();
        OpenAiError overBudget = refusal(admit(two, project, null));

        assertThat(second.headers()).containsEntry("x-ratelimit-limit-tokens-day", "1000")
                .containsEntry("x-ratelimit-remaining-tokens-day", "400")
                .containsEntry("x-ratelimit-reset-tokens-day", "2m0s")
                .containsEntry("x-ratelimit-remaining-tokens-month", "99400");
        assertThat(overBudget.status()).isEqualTo(429);
        assertThat(overBudget.code()).isEqualTo("insufficient_quota");
        assertThat(overBudget.type()).isEqualTo("insufficient_quota");
        assertThat(overBudget.headers()).containsEntry("x-should-retry", "false").containsEntry("retry-after", "120")
                .containsEntry("x-ratelimit-remaining-tokens-day", "0");
        assertThat(overBudget.message()).contains("daily token budget of your project").contains("2026-12-01T00:00:00Z");
        assertThat(refusal(admit(one, project, null)).code()).as("the other replica agrees").isEqualTo("insufficient_quota");

        clock.advance(Duration.ofMinutes(2));

        LimitDecision.Allowed nextDay = allowed(admit(one, project, null));
        assertThat(nextDay.headers()).containsEntry("x-ratelimit-remaining-tokens-day", "1000")
                .as("a new month too, on the 1st").containsEntry("x-ratelimit-remaining-tokens-month", "100000");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("concurrency per person per model: the next call waits for a slot, other models and people are free")
    void concurrency(String store) {
        Limiter limiter = replica(store);
        JsonObject twoAtOnce = new JsonObject().put("concurrent_requests_per_model", 2);
        List<Scope> dave = List.of(user("dave", twoAtOnce));

        LimitDecision.Allowed first = allowed(admit(limiter, dave, "model-a"));
        allowed(admit(limiter, dave, "model-a"));
        OpenAiError third = refusal(admit(limiter, dave, "model-a"));

        assertThat(third.code()).isEqualTo("rate_limit_exceeded");
        assertThat(third.message()).contains("concurrent").contains("model-a").contains("Limit 2");
        assertThat(third.headers()).containsEntry("retry-after", "1");
        allowed(admit(limiter, dave, "model-b"));
        allowed(admit(limiter, List.of(user("erin", twoAtOnce)), "model-a"));
        allowed(admit(limiter, dave, null)); // a model the front door cannot see is not limited

        first.charge().settle(0, 0).join();
        first.charge().settle(0, 0).join(); // settling twice frees one slot only
        allowed(admit(limiter, dave, "model-a"));
        refusal(admit(limiter, dave, "model-a"));
    }

    @Test
    @DisplayName("Redis: a replica that dies holding slots loses them once their leases expire")
    void leasesOfADeadReplicaExpire() throws Exception {
        LimitStore dying = store("redis", "redis://127.0.0.1:6379", Duration.ofSeconds(2));
        LimitStore surviving = store("redis", "redis://127.0.0.1:6379", Duration.ofSeconds(2));
        Limiter first = new Limiter(dying, new Calendar(clock), metrics);
        Limiter second = new Limiter(surviving, new Calendar(clock), metrics);
        List<Scope> frank = List.of(user("frank", new JsonObject().put("concurrent_requests_per_model", 1)));

        LimitDecision.Allowed held = allowed(admit(second, frank, "m"));
        allowed(admit(first, frank, "model-x"));
        Thread.sleep(3000); // leases renewed meanwhile: still held
        refusal(admit(second, frank, "model-x"));

        dying.close(); // no release, no renewal: as if the replica died
        Eventually.within(Duration.ofSeconds(10), () -> admit(second, frank, "model-x") instanceof LimitDecision.Allowed);
        refusal(admit(second, frank, "m"));
        held.charge().settle(0, 0).join();
    }

    @Test
    @DisplayName("Redis cut: windows and budgets let calls through, concurrency is counted on the replica; one warning, one recovery line")
    void redisOutage() throws Exception {
        TcpRelay relay = new TcpRelay(vertx, "127.0.0.1", 6379).start();
        try (CapturedLogs logs = CapturedLogs.info()) {
            Limiter limiter = new Limiter(store("redis", "redis://127.0.0.1:" + relay.port(), Duration.ofSeconds(30)),
                    new Calendar(clock), metrics);
            List<Scope> grace = List.of(user("grace", new JsonObject().put("requests_per_minute", 1)
                    .put("tokens_per_day", 10).put("concurrent_requests_per_model", 1)));
            LimitDecision.Allowed before = allowed(admit(limiter, grace, "m"));
            refusal(admit(limiter, grace, "m2")); // the minute's request is spent
            before.charge().settle(0, 0).join();

            relay.cut();

            LimitDecision.Allowed during = allowed(admit(limiter, grace, "m"));
            allowed(admit(limiter, grace, "m2"));
            assertThat(during.headers()).as("nothing known, nothing claimed").isEmpty();
            assertThat(refusal(admit(limiter, grace, "m")).message())
                    .as("concurrency falls back to this replica's slots").contains("concurrent");
            during.charge().settle(20, 0).join();
            assertThat(metrics.scrape()).containsPattern("gateway_rate_limit_store_errors_total [1-9]")
                    .contains("gateway_rate_limit_store_down 1.0");

            relay.restore();
            Eventually.within(Duration.ofSeconds(20), () -> admit(limiter, grace, null) instanceof LimitDecision.Refused
                    && logs.messagesOf(StoreHealth.class).size() >= 2); // recovered: a second without failures

            assertThat(logs.messagesOf(StoreHealth.class)).hasSize(2);
            assertThat(logs.messagesOf(StoreHealth.class).get(0)).contains("failed").contains("not enforced");
            assertThat(logs.messagesOf(StoreHealth.class).get(1)).contains("answers again");
            assertThat(metrics.scrape()).contains("gateway_rate_limit_store_down 0.0");
        } finally {
            relay.close();
        }
    }
}
