package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.testing.Eventually.within;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
    DemoUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
    }

    @AfterEach
    void stop() {
        assertThat(keycloak.badRequests()).as("requests the real Keycloak would refuse with 400").isZero();
        gateway.close();
        vertx.close().await();
    }

    int models(String credential) {
        return models(gateway, credential);
    }

    static int models(GatewayFixture gateway, String credential) {
        return gateway.get("/v1/models", "authorization", "Bearer " + credential).statusCode();
    }

    /**
     * The status of a key's first call, asked again while it is 503: 1,200 first introspections through
     * the fixture's 1 s Keycloak timeout meet it on a loaded 2-core machine (seen at load 28), and an
     * outage answer is not what a test of the re-check is about.
     */
    int servedOnce(String credential) {
        int status = models(credential);
        for (int attempt = 1; status == 503 && attempt < 20; attempt++) {
            status = models(credential);
        }
        return status;
    }

    /**
     * Runs one revocation round (feed, then re-check) and waits for it. The documented bound, "within
     * about a poll interval", is one such round after the timer fires; the timer itself is tested once
     * ({@code timerAppliesRevocations}), so no test here races a wall-clock deadline.
     */
    void oneRevocationRound() throws Exception {
        oneRevocationRound(gateway);
    }

    static void oneRevocationRound(GatewayFixture gateway) throws Exception {
        gateway.server().pollRevocations().await(30, java.util.concurrent.TimeUnit.SECONDS);
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
        @DisplayName("after the realm rotates its signing key, a token with the new kid makes the gateway re-read the JWKS and is accepted")
        void keyRotation() throws Exception {
            String before = keycloak.accessToken("u-3", c -> {});
            assertThat(models(before)).isEqualTo(200);
            int jwksReads = keycloak.jwksReads();

            keycloak.rotateSigningKey();
            String after = keycloak.accessToken("u-3", c -> {});

            assertThat(models(after)).isEqualTo(200);
            assertThat(keycloak.jwksReads()).isGreaterThan(jwksReads);
            assertThat(models(before)).as("the old key is still published during the rotation").isEqualTo(200);
        }

        @Test
        @DisplayName("a disabled user's already-issued token stops working after the round that reads it from the feed")
        void disabledUser() throws Exception {
            String token = keycloak.accessToken("u-2", c -> c.issueTime(Date.from(Instant.now().minusSeconds(5))));
            assertThat(models(token)).isEqualTo(200);

            keycloak.disableUser("u-2");
            oneRevocationRound();

            assertThat(models(token)).isEqualTo(401);
        }

        @Test
        @DisplayName("after the realm's feed was re-created (ids start again below the gateway's cursor), the feed's reset "
                + "makes the gateway read the new entries: a user disabled then is refused")
        void feedRecreated() throws Exception {
            String token = keycloak.accessToken("u-3", c -> c.issueTime(Date.from(Instant.now().minusSeconds(5))));
            assertThat(models(token)).isEqualTo(200);
            keycloak.setClock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(-1)));
            keycloak.revokeManyOthers(50); // settled entries: the gateway's cursor moves past them
            keycloak.setClock(java.time.Clock.systemUTC());
            oneRevocationRound();

            keycloak.recreateFeed();
            keycloak.disableUser("u-3"); // entry 1, far below the gateway's cursor
            oneRevocationRound();

            assertThat(models(token)).isEqualTo(401);
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
        @DisplayName("a key revoked through the feed is refused after the next round (the re-check cannot see it)")
        void revokedByFeed() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("dave");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setCheckBroken(true); // only the feed can find it
            keycloak.revokeKey(key);
            oneRevocationRound();

            assertThat(models(key.token())).isEqualTo(401);
        }

        @Test
        @DisplayName("the poller's own timer applies revocations: no round run by hand (bound: one interval + one round)")
        void timerAppliesRevocations() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("della");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.revokeKey(key);

            // Generous: this proves the timer runs rounds at all; the time one round takes is the
            // subject of the tests above, and of the integration tests' measurements.
            within(Duration.ofSeconds(30), () -> models(key.token()) == 401);
        }

        @Test
        @DisplayName("rounds start one poll interval apart, counted from the previous round's start: a slow Keycloak "
                + "does not stretch the time between feed reads (a revocation's bound)")
        void slowFeedKeepsThePace() throws Exception {
            keycloak.setFeedDelay(Duration.ofMillis(150));
            Thread.sleep(500); // the round in flight, asked before the delay, ends
            int before = keycloak.feedReads();
            Thread.sleep(2_000);

            // Every 200 ms: 10 reads in 2 s. Counted from a round's end, 200 + 150 ms: 5 or 6.
            assertThat(keycloak.feedReads() - before).isGreaterThanOrEqualTo(8);
        }

        @Test
        @DisplayName("the feed has a timer of its own: re-check calls slower than the poll interval (an urgent sweep against "
                + "a busy Keycloak) neither stretch the time between feed reads nor hold back a revocation")
        void slowRecheckKeepsTheFeedsPace() throws Exception {
            FakeKeycloak.Key swept = keycloak.mintKey("sven");
            FakeKeycloak.Key revoked = keycloak.mintKey("rhea");
            assertThat(models(swept.token())).isEqualTo(200);
            assertThat(models(revoked.token())).isEqualTo(200);
            keycloak.setCheckDelay(Duration.ofMillis(800)); // 4 intervals, within the fixture's 1 s Keycloak timeout
            int checksBefore = keycloak.checks();
            // The feed re-sends a fresh entry for 2 s (at-least-once): each read of it asks for one more
            // urgent sweep, so every re-check round makes one slow call for about 3 s.
            keycloak.announceRecheckAll();
            within(Duration.ofSeconds(5), () -> keycloak.checks() > checksBefore); // a slow call just started

            int feedReadsBefore = keycloak.feedReads();
            long revokedAt = System.nanoTime();
            keycloak.revokeKey(revoked);
            within(Duration.ofSeconds(5), () -> models(revoked.token()) == 401);
            long evictionMillis = (System.nanoTime() - revokedAt) / 1_000_000;
            Thread.sleep(Math.max(0, 2_000 - evictionMillis));
            int feedReads = keycloak.feedReads() - feedReadsBefore;

            // Every 200 ms: 10 reads in 2 s. Waiting for the re-check call, every 800 ms: 2 or 3.
            assertThat(feedReads).as("feed reads in 2 s (eviction took %d ms)", evictionMillis).isGreaterThanOrEqualTo(8);
            // The next feed read (200 ms), its round trip and this test's polling (a busy CI host: margin). After the call: 800 ms.
            assertThat(evictionMillis).as("ms from revocation to eviction").isLessThan(650);
        }

        @Test
        @DisplayName("a key that vanished without a feed entry is NOT re-checked every round (Keycloak's load must not grow "
                + "with cached keys), but the periodic full re-check finds it (bound: its interval, here 1 s, + a round)")
        void revokedSilently() throws Exception {
            // A feed call that times out is a feed gap, after which every cached key is re-checked (by
            // design): the fixture's 1 s timeout was met on a loaded machine, so this gateway waits longer.
            try (GatewayFixture patient = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                    Map.of("GATEWAY_KEYCLOAK_TIMEOUT", "30s")))) {
                FakeKeycloak.Key key = keycloak.mintKey("erin");
                assertThat(models(patient, key.token())).isEqualTo(200);

                keycloak.setFeedSilent(true);
                keycloak.revokeKey(key);
                int checksBefore = keycloak.checks();
                oneRevocationRound(patient);
                oneRevocationRound(patient);

                assertThat(models(patient, key.token())).as("still cached: the default full re-check runs every 5 min").isEqualTo(200);
                assertThat(keycloak.checks() - checksBefore).as("no re-check calls between full re-checks").isZero();
            }

            try (GatewayFixture fast = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                    Map.of("GATEWAY_REVOCATION_FULL_RECHECK_INTERVAL", "1s")))) {
                FakeKeycloak.Key other = keycloak.mintKey("erin-2");
                assertThat(models(fast, other.token())).isEqualTo(200);
                keycloak.revokeKey(other);
                within(Duration.ofSeconds(30),
                        () -> models(fast, other.token()) == 401);
            }
        }

        @Test
        @DisplayName("a recheck_all entry on the feed (a realm-wide change) makes the next round re-check every cached key")
        void recheckAllFromFeed() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("ernie");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setFeedSilent(true); // the key's own entry is not written: only the re-check can find it
            keycloak.revokeKey(key);
            keycloak.announceRecheckAll();
            oneRevocationRound();

            assertThat(models(key.token())).isEqualTo(401);
        }

        @Test
        @DisplayName("a revocation behind several full pages (1000 entries each) of other events is applied in one round")
        void feedPaging() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("paula");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.revokeManyOthers(2 * FakeKeycloak.MAX_FEED_PAGE + 500); // three pages
            keycloak.revokeKey(key);
            keycloak.setCheckBroken(true); // only the feed can find it
            oneRevocationRound();

            assertThat(models(key.token())).isEqualTo(401);
        }

        @Test
        @DisplayName("more than 1000 cached keys are re-checked in batches within Keycloak's cap of 1000 ids per call, "
                + "urgently after a recheck_all")
        void recheckInBatches() throws Exception {
            List<FakeKeycloak.Key> keys = new ArrayList<>();
            for (int i = 0; i < FakeKeycloak.MAX_CHECK_IDS + 200; i++) {
                keys.add(keycloak.mintKey("many-" + i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (Future<Integer> call : pool.invokeAll(keys.stream().map(k -> (Callable<Integer>) () -> servedOnce(k.token())).toList())) {
                    assertThat(call.get()).isEqualTo(200);
                }
            } finally {
                pool.shutdown();
            }
            FakeKeycloak.Key last = keys.get(keys.size() - 1);
            keycloak.setFeedSilent(true); // only the re-check can find it
            keycloak.revokeKey(last);
            keycloak.announceRecheckAll(); // a full re-check now, not in 5 min
            oneRevocationRound();

            // A round starts no re-check call after one poll interval (200 ms here): on a loaded
            // machine the sweep may need the timer's next rounds too.
            within(Duration.ofSeconds(30), () -> models(last.token()) == 401);
            assertThat(keycloak.badRequests()).isZero();
        }

        @Test
        @DisplayName("the feed re-sends entries younger than 2 s without moving its cursor: a round reads it once, not in a loop")
        void replayedEntriesEndTheRound() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("rita");
            assertThat(models(key.token())).isEqualTo(200);
            keycloak.revokeKey(key);
            oneRevocationRound();
            assertThat(models(key.token())).isEqualTo(401);

            int before = keycloak.feedReads();
            oneRevocationRound(); // the entry is still young: it comes again, the cursor stays

            // A looping round reads up to its page cap (20) at once; timer rounds (every 200 ms) add a few at most.
            assertThat(keycloak.feedReads() - before).isBetween(1, 19);
        }

        @Test
        @DisplayName("with the feed failing, the round starts an urgent full re-check, which still finds revoked keys")
        void recheckWithoutFeed() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("gus");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setFeedBroken(true);
            keycloak.setFeedSilent(true);
            keycloak.revokeKey(key);
            oneRevocationRound();

            assertThat(models(key.token())).isEqualTo(401);
        }

        @Test
        @DisplayName("a disabled user's keys are refused after the round that reads it from the feed")
        void disabledUser() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKey("frank");
            assertThat(models(key.token())).isEqualTo(200);

            keycloak.setCheckBroken(true); // only the feed's user_disabled entry can find it
            keycloak.disableUser(key.subject());
            oneRevocationRound();

            assertThat(models(key.token())).isEqualTo(401);
        }
    }

    @Nested
    @DisplayName("API keys that expire (exp from introspection)")
    class Expiry {

        @Test
        @DisplayName("a cached key is refused as soon as its exp passes, before any TTL or revocation round")
        void refusedAtExp() throws Exception {
            FakeKeycloak.Key key = keycloak.mintKeyExpiringAt(Instant.now().plusSeconds(6), "otto");
            assertThat(models(key.token())).isEqualTo(200);
            keycloak.setCheckBroken(true); // else the re-check would find the expired key too: only exp may refuse it here

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), key.expiresAt()).toMillis()) + 50);

            assertThat(models(key.token())).isEqualTo(401);
        }

        @Test
        @DisplayName("a key expiring in the year 9999 (a realm without maximum lifetime) is served and cached like any other")
        void farFutureExp() {
            FakeKeycloak.Key key = keycloak.mintKeyExpiringAt(Instant.parse("9999-12-31T23:59:59Z"), "methuselah");

            assertThat(models(key.token())).isEqualTo(200);
            assertThat(models(key.token())).isEqualTo(200);
            assertThat(keycloak.introspections()).isEqualTo(1);
        }

        @Test
        @DisplayName("a key that never expires (no exp at all) is served and cached")
        void noExp() {
            FakeKeycloak.Key key = keycloak.mintKeyExpiringAt(null, "forever");

            assertThat(models(key.token())).isEqualTo(200);
            assertThat(models(key.token())).isEqualTo(200);
            assertThat(keycloak.introspections()).isEqualTo(1);
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
