package org.inferenceauth.gateway.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.testing.Eventually.within;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("JWT rules at the gateway: the required realm role, tokens obtained with an API key, the web-UI channel")
class JwtRulesTest {

    Vertx vertx = Vertx.vertx();
    FakeKeycloak keycloak;
    GatewayFixture gateway;

    void start(Map<String, String> overrides) throws Exception {
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), overrides));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await();
    }

    int models(String credential) {
        return gateway.get("/v1/models", "authorization", "Bearer " + credential).statusCode();
    }

    /** One revocation round (feed, then re-check), waited for: what the timer runs every interval. */
    void oneRevocationRound() throws Exception {
        gateway.server().pollRevocations().await(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A token as the key-for-token grant issues it: it names the key, issued a moment ago. */
    String tokenFor(FakeKeycloak.Key key, String azp) throws Exception {
        return keycloak.accessToken(key.subject(), c -> c.claim("api_key_id", key.keyId()).claim("azp", azp)
                .issueTime(Date.from(Instant.now().minusSeconds(5))));
    }


    @Nested
    @DisplayName("the realm role the inference API needs (GATEWAY_REQUIRED_ROLE)")
    class RequiredRole {

        @Test
        @DisplayName("a token whose realm_access.roles lack inference-user is 401; with it, 200")
        void roleRequired() throws Exception {
            start(Map.of());
            String without = keycloak.accessToken("u-1", c -> c.claim("realm_access", Map.of("roles", List.of("offline_access"))));
            String noClaim = keycloak.accessToken("u-1", c -> c.claim("realm_access", null));
            String malformed = keycloak.accessToken("u-1", c -> c.claim("realm_access", Map.of("roles", "inference-user")));

            assertThat(models(without)).isEqualTo(401);
            assertThat(models(noClaim)).isEqualTo(401);
            assertThat(models(malformed)).isEqualTo(401);
            assertThat(models(keycloak.accessToken("u-1", c -> {}))).isEqualTo(200);
        }

        @Test
        @DisplayName("the role is configurable, and 'none' switches the check off")
        void configurable() throws Exception {
            start(Map.of("GATEWAY_REQUIRED_ROLE", "none"));
            assertThat(models(keycloak.accessToken("u-1", c -> c.claim("realm_access", null)))).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("a token obtained with an API key (claim api_key_id)")
    class TokenOfAKey {

        @Test
        @DisplayName("is refused after the round that reads the key from the revocation feed; the user's other tokens still work")
        void refusedWhenTheFeedRevokesTheKey() throws Exception {
            start(Map.of());
            FakeKeycloak.Key key = keycloak.mintKey("exchanger");
            String token = tokenFor(key, "example-service");
            String userToken = keycloak.accessToken(key.subject(), c -> c.issueTime(Date.from(Instant.now().minusSeconds(5))));
            assertThat(models(token)).isEqualTo(200);

            keycloak.setCheckBroken(true); // only the feed can find it
            keycloak.revokeKey(key);
            oneRevocationRound();

            assertThat(models(token)).isEqualTo(401);
            assertThat(models(userToken)).as("a token that names no key").isEqualTo(200);
        }

        @Test
        @DisplayName("is refused after the round whose re-check (after a recheck_all entry) reports the key inactive "
                + "(no entry names the key): the re-check covers the keys behind cached tokens")
        void refusedWhenTheRecheckReportsTheKey() throws Exception {
            start(Map.of());
            keycloak.setFeedSilent(true);
            FakeKeycloak.Key key = keycloak.mintKey("silent");
            String token = tokenFor(key, "example-service");
            assertThat(models(token)).isEqualTo(200);

            keycloak.revokeKey(key);
            keycloak.announceRecheckAll();
            oneRevocationRound();

            assertThat(models(token)).isEqualTo(401);
            assertThat(keycloak.checks()).isPositive();
        }

        @Test
        @DisplayName("a token of another, active key is unaffected")
        void otherKeysUnaffected() throws Exception {
            start(Map.of());
            FakeKeycloak.Key revoked = keycloak.mintKey("one");
            FakeKeycloak.Key kept = keycloak.mintKey("two");
            String keptToken = tokenFor(kept, "example-service");
            String revokedToken = tokenFor(revoked, "example-service");
            assertThat(models(keptToken)).isEqualTo(200);

            keycloak.revokeKey(revoked);
            oneRevocationRound();

            assertThat(models(revokedToken)).isEqualTo(401);
            assertThat(models(keptToken)).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("the channel: ui for web-UI user tokens, api for everything else")
    class Channel {

        @Test
        @DisplayName("in the access log and as a label of the auth and request metrics")
        void loggedAndCounted() throws Exception {
            start(Map.of("GATEWAY_WEB_UI_CLIENTS", "open-webui,chat-portal"));
            FakeKeycloak.Key key = keycloak.mintKey("mixed");
            assertThat(models(keycloak.accessToken("u-ui", c -> c.claim("azp", "chat-portal")))).isEqualTo(200);
            assertThat(models(keycloak.accessToken("u-svc", c -> c.claim("azp", "example-service")))).isEqualTo(200);
            assertThat(models(key.token())).isEqualTo(200);
            // Exchanged by a web-UI client, still a key: api.
            assertThat(models(tokenFor(key, "open-webui"))).isEqualTo(200);

            within(Duration.ofSeconds(30), () -> accessLines().size() == 4); // written when each response ended; generous
            assertThat(accessLines()).extracting(line -> line.getString("channel")).containsExactly("ui", "api", "api", "api");
            String metrics = metrics();
            assertThat(metrics)
                    .contains("gateway_auth_total{channel=\"ui\",method=\"jwt\",outcome=\"authenticated\"} 1.0")
                    .contains("gateway_auth_total{channel=\"api\",method=\"jwt\",outcome=\"authenticated\"} 2.0")
                    .contains("gateway_auth_total{channel=\"api\",method=\"api_key\",outcome=\"authenticated\"} 1.0")
                    .contains("gateway_requests_total{channel=\"ui\",route=\"models\",status=\"200\"} 1.0");
        }

        @Test
        @DisplayName("a refused credential has no channel: none")
        void refusedHasNone() throws Exception {
            start(Map.of());
            assertThat(models(keycloak.accessToken("u-1", c -> c.audience("someone-else")))).isEqualTo(401);
            assertThat(metrics()).contains("gateway_auth_total{channel=\"none\",method=\"jwt\",outcome=\"rejected\"} 1.0");
        }
    }

    List<JsonObject> accessLines() {
        return gateway.accessLog().lines().map(JsonObject::new).filter(line -> "access".equals(line.getString("type"))).toList();
    }

    String metrics() throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.managementUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
