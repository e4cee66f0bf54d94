package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Key checksums are public, so anyone can mint well-formed keys that only Keycloak can refuse. A
 * source (client address) that keeps presenting unknown keys runs out of its budget of failed
 * introspections and is then answered 429 without a Keycloak call; keys already known keep working.
 */
@DisplayName("Forged well-formed keys do not become Keycloak load")
class ForgedKeyFloodTest {

    Vertx vertx;
    FakeKeycloak keycloak;
    DemoUpstream upstream;
    List<GatewayFixture> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterEach
    void stop() {
        gateways.forEach(GatewayFixture::close);
        vertx.close().await();
    }

    GatewayFixture gateway(Map<String, String> overrides) {
        GatewayFixture gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), overrides));
        gateways.add(gateway);
        return gateway;
    }

    static String forged() {
        return ApiKeyFormat.defaultFormat().generate().token();
    }

    static HttpRequest models(GatewayFixture gateway, String credential, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + credential);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    /** Sends {@code count} forged keys, {@code parallel} at a time; returns how many got each status. */
    static Map<Integer, Integer> flood(GatewayFixture gateway, int count, int parallel, String... headers) {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < parallel; w++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (next.getAndIncrement() < count) {
                    try {
                        int status = gateway.http().send(models(gateway, forged(), headers),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        statuses.merge(status, 1, Integer::sum);
                    } catch (Exception e) {
                        statuses.merge(-1, 1, Integer::sum);
                    }
                }
            }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        return statuses;
    }

    static int status(GatewayFixture gateway, String credential, String... headers) throws Exception {
        return gateway.http().send(models(gateway, credential, headers), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @DisplayName("3,000 forged keys from one address cost at most 300 introspections; a cached valid key is unaffected")
    void floodFromOneAddress() throws Exception {
        // A slow answer is not what is measured here: the fixture's 1 s Keycloak timeout turned a
        // late introspection on a loaded machine into a 503.
        GatewayFixture gateway = gateway(Map.of("GATEWAY_KEYCLOAK_TIMEOUT", "15s"));
        FakeKeycloak.Key valid = keycloak.mintKey("vera");
        assertThat(status(gateway, valid.token())).isEqualTo(200);
        int before = keycloak.introspections();

        Map<Integer, Integer> statuses = flood(gateway, 3000, 8);

        int introspections = keycloak.introspections() - before;
        System.out.println("Forged-key flood: 3000 keys from one address -> " + introspections
                + " introspections, answers " + statuses);
        assertThat(introspections).isLessThanOrEqualTo(300);
        assertThat(statuses).containsOnlyKeys(401, 429);
        assertThat(status(gateway, valid.token())).isEqualTo(200);
        assertThat(keycloak.introspections() - before).isEqualTo(introspections); // served from the cache

        // The budget refills slowly (100 per 5 min): on a slow machine a failure or two may have come
        // back during the flood, each answered 401 after an introspection; then the source is throttled again.
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 5 && (throttled == null || throttled.statusCode() == 401); i++) {
            throttled = gateway.http().send(models(gateway, forged()), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).isPresent();
        assertThat(new JsonObject(throttled.body()).getJsonObject("error").getString("code"))
                .isEqualTo("too_many_failed_authentications");
    }

    @Test
    @DisplayName("another address keeps its own budget: its new, valid key is introspected and served")
    void otherAddressesUnaffected() throws Exception {
        GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_FAILURE_BUDGET", "20"));
        flood(gateway, 200, 4);
        FakeKeycloak.Key fresh = keycloak.mintKey("walt");

        List<RawHttp.Response> answer = RawHttp.exchange(InetAddress.getByName("127.0.0.2"), gateway.server().port(),
                ("GET /v1/models HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fresh.token()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

        assertThat(answer).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(status(gateway, forged())).isEqualTo(429); // while 127.0.0.1 stays throttled
    }

    @Test
    @DisplayName("X-Forwarded-For names the source only when the connection comes from a trusted proxy")
    void forwardedForOnlyFromTrustedProxies() throws Exception {
        GatewayFixture untrusting = gateway(Map.of("GATEWAY_AUTH_FAILURE_BUDGET", "20"));
        GatewayFixture behindProxy = gateway(Map.of("GATEWAY_AUTH_FAILURE_BUDGET", "20",
                "GATEWAY_TRUSTED_PROXIES", "127.0.0.1/32, ::1/128"));

        // A client cannot escape its budget by inventing a new X-Forwarded-For for every key.
        for (int i = 0; i < 60; i++) {
            status(untrusting, forged(), "x-forwarded-for", "198.51.100." + i);
        }
        assertThat(status(untrusting, forged(), "x-forwarded-for", "198.51.100.200")).isEqualTo(429);

        // Behind a trusted proxy, each client address has its own budget.
        flood(behindProxy, 60, 2, "x-forwarded-for", "203.0.113.7");
        FakeKeycloak.Key fresh = keycloak.mintKey("xena");
        assertThat(status(behindProxy, forged(), "x-forwarded-for", "203.0.113.7")).isEqualTo(429);
        assertThat(status(behindProxy, fresh.token(), "x-forwarded-for", "192.0.2.1, 203.0.113.8")).isEqualTo(200);
    }

    @Test
    @DisplayName("refusals are cached apart from valid identities, so a flood cannot crowd valid keys out of the cache")
    void negativeCacheApart() throws Exception {
        GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_FAILURE_BUDGET", "1000"));
        FakeKeycloak.Key valid = keycloak.mintKey("yuri");
        assertThat(status(gateway, valid.token())).isEqualTo(200);

        flood(gateway, 50, 2);

        String metrics = gateway.getAbsolute(gateway.managementUrl() + "/metrics").body();
        assertThat(metrics).contains("gateway_key_cache_size 1.0").contains("gateway_key_negative_cache_size 50.0");
    }

    @Test
    @DisplayName("at most a bounded number of introspections wait for Keycloak; beyond that, 503 auth_unavailable at once")
    void boundedWaitQueue() {
        // One introspection at a time, each 3 s: the ten requests all arrive while the first still runs,
        // and the two queued ones are served well within the 20 s Keycloak timeout (no race with it).
        GatewayFixture gateway = gateway(Map.of("GATEWAY_KEYCLOAK_MAX_CONCURRENT_INTROSPECTIONS", "1",
                "GATEWAY_KEYCLOAK_INTROSPECTION_QUEUE", "2", "GATEWAY_KEYCLOAK_TIMEOUT", "20s"));
        keycloak.setIntrospectionDelay(Duration.ofSeconds(3));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(gateway.http().sendAsync(models(gateway, keycloak.mintKey("zed" + i).token()),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();

        assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(3);
        assertThat(answers).filteredOn(r -> r.statusCode() == 503).hasSizeGreaterThanOrEqualTo(7)
                .allSatisfy(r -> assertThat(r.body()).contains("\"code\":\"auth_unavailable\""));
        assertThat(keycloak.introspections()).isEqualTo(3);
    }
}
