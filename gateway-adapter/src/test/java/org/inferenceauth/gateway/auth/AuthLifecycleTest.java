package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.testing.Eventually.within;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Authentication over time: JWTs, caching, revocation and Keycloak outages")
class AuthLifecycleTest {

    Vertx vertx;
    FakeKeycloak keycloak;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        vertx.close().await();
    }

    int models(String credential) {
        return gateway.get("/v1/models", "authorization", "Bearer " + credential).statusCode();
    }


    @Nested
    @DisplayName("JWT access tokens")
    class Jwts {

        @Test
        @DisplayName("a valid token of the realm is accepted, and the upstream learns who it is")
        void valid() throws Exception {
            String token = keycloak.accessToken("u-1", c -> {});
            assertThat(models(token)).isEqualTo(200);
        }

        @Test
        @DisplayName("an expired token is 401")
        void expired() throws Exception {
            String token = keycloak.accessToken("u-1", c -> c
                    .issueTime(Date.from(Instant.now().minusSeconds(900)))
                    .expirationTime(Date.from(Instant.now().minusSeconds(600))));
            assertThat(models(token)).isEqualTo(401);
        }

        @Test
        @DisplayName("a token not yet valid (nbf beyond the clock skew) is 401")
        void notYetValid() throws Exception {
            String token = keycloak.accessToken("u-1", c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600))));
            assertThat(models(token)).isEqualTo(401);
        }

        @Test
        @DisplayName("a token for another audience, from another issuer, or an ID token is 401")
        void wrongClaims() throws Exception {
            assertThat(models(keycloak.accessToken("u-1", c -> c.audience("someone-else")))).isEqualTo(401);
            assertThat(models(keycloak.accessToken("u-1", c -> c.issuer("http://evil.example/realms/inference")))).isEqualTo(401);
            assertThat(models(keycloak.accessToken("u-1", c -> c.claim("typ", "ID")))).isEqualTo(401);
        }

        @Test
        @DisplayName("a token with a tampered payload is 401")
        void tampered() throws Exception {
            String[] parts = keycloak.accessToken("u-1", c -> {}).split("\\.");
            String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    "{\"sub\":\"admin\"}".getBytes()) + "." + parts[2];
            assertThat(models(forged)).isEqualTo(401);
        }

        @Test
        @DisplayName("a disabled user's already-issued token stops working once the feed reports it")
        void disabledUser() throws Exception {
            String token = keycloak.accessToken("u-2", c -> c.issueTime(Date.from(Instant.now().minusSeconds(5))));
            assertThat(models(token)).isEqualTo(200);

            keycloak.disableUser("u-2");

            within(Duration.ofSeconds(2), () -> models(token) == 401);
        }
    }

    @Nested
    @DisplayName("API keys")
    class ApiKeys {

        @Test
        @DisplayName("concurrent first calls with the same key share one introspection")
        void singleFlight() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("carol");
            keycloak.setIntrospectionDelay(Duration.ofMillis(300));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> calls = pool.invokeAll(java.util.Collections.nCopies(8, () -> models(key.token())));
                for (Future<Integer> call : calls) {
                    assertThat(call.get()).isEqualTo(200);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(keycloak.introspections()).isEqualTo(1);
        }

        @Test
        @DisplayName("a key revoked through the feed is refused within 2 s")
        void revokedByFeed() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("dave");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.revokeKey(key);

            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
        }

        @Test
        @DisplayName("a key that vanished without a feed event (admin-console delete) is found by the batch re-check within 2 s")
        void revokedSilently() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("erin");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setFeedSilent(true);
            keycloak.revokeKey(key);

            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
            assertThat(keycloak.checks()).isPositive();
        }

        @Test
        @DisplayName("a revocation behind several pages of other events is still applied within 2 s")
        void feedPaging() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("paula");
            assertThat(models(key.token())).isEqualTo(200);
            keycloak.setFeedSilent(false);

            keycloak.revokeManyOthers(150); // 16 pages: one round with paging, 3 s without
            keycloak.revokeKey(key);
            keycloak.setCheckBroken(true); // only the feed can find it

            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
        }

        @Test
        @DisplayName("a feed that re-sends its freshest entries (cursor unchanged) is read once per round, not in a loop")
        void replayedEntriesEndTheRound() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("rita");
            assertThat(models(key.token())).isEqualTo(200);
            keycloak.setFeedSilent(false);
            keycloak.revokeKey(key);
            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
            keycloak.setFeedReplaying(true);
            try {
                int before = keycloak.feedReads();
                gateway.server().pollRevocations().await(5, java.util.concurrent.TimeUnit.SECONDS);

                assertThat(keycloak.feedReads() - before).isBetween(1, 4); // this round, plus perhaps a timer round or two
            } finally {
                keycloak.setFeedReplaying(false);
            }
        }

        @Test
        @DisplayName("with the feed failing, the batch re-check still finds revoked keys within 2 s")
        void recheckWithoutFeed() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("gus");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setFeedBroken(true);
            keycloak.setFeedSilent(true);
            keycloak.revokeKey(key);

            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
        }

        @Test
        @DisplayName("a disabled user's keys are refused within 2 s")
        void disabledUser() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("frank");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.disableUser(key.subject());

            within(Duration.ofSeconds(2), () -> models(key.token()) == 401);
        }
    }

    @Nested
    @DisplayName("Keycloak outage")
    class Outage {

        @Test
        @DisplayName("cached keys keep working, unknown keys get 503 with retry-after, and recovery is automatic")
        void outage() throws Exception {
            FakeKeycloak.Key known = keycloak.mintKey("gina");
            FakeKeycloak.Key unknownYet = keycloak.mintKey("hank");
            assertThat(models(known.token())).isEqualTo(200);

            keycloak.stop();

            assertThat(models(known.token())).isEqualTo(200);
            HttpResponse<String> refused = gateway.get("/v1/models", "authorization", "Bearer " + unknownYet.token());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("5");
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("auth_unavailable");

            keycloak.start();

            assertThat(models(unknownYet.token())).isEqualTo(200);
        }

        @Test
        @DisplayName("Keycloak answering 5xx is an outage too, not a reason to reject")
        void serverErrors() {
            FakeKeycloak.Key key = keycloak.mintKey("ivan");
            keycloak.setDown(true);

            assertThat(models(key.token())).isEqualTo(503);

            keycloak.setDown(false);
            assertThat(models(key.token())).isEqualTo(200);
        }
    }
}
