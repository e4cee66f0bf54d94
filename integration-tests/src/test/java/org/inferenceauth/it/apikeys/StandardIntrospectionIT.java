package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.apikey.format.ForgedKeys;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmEventsConfigRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Keycloak's own introspection endpoint answers API keys when asked with
 * {@code token_type_hint=api_key}, exactly as {@code /api-keys/introspect} does, to the same
 * clients; without the hint it is Keycloak's endpoint as before.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Keycloak's standard introspection endpoint with token_type_hint=api_key")
class StandardIntrospectionIT {

    static final String HINT = "api_key";
    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;
    private String token;

    @BeforeEach
    void user(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "std-introspected");
        token = api.login(user);
    }

    private String endpoint() {
        return endpoint(keycloak, TestRealm.REALM);
    }

    static String endpoint(KeycloakServer keycloak, String realm) {
        return keycloak.getIssuer(realm) + "/protocol/openid-connect/token/introspect";
    }

    private static RequestSpecification as(String client, String secret) {
        return given().auth().preemptive().basic(client, secret).contentType(ContentType.URLENC).accept(ContentType.JSON);
    }

    /** The gateway at the standard endpoint, with the hint. */
    private Response standard(String credential) {
        return as(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).formParam("token", credential)
                .formParam("token_type_hint", HINT).post(endpoint());
    }

    private Map<String, Object> standardAnswer(String credential) {
        return standard(credential).then().statusCode(200).extract().jsonPath().getMap("");
    }

    private Map<String, Object> ourAnswer(String credential) {
        return api.introspect(credential).then().statusCode(200).extract().jsonPath().getMap("");
    }

    @Nested
    @DisplayName("a valid key")
    class Valid {

        @Test
        @DisplayName("gets the same answer as at /api-keys/introspect, limits included, and no cache may keep it")
        void sameAnswer() {
            Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            String key = api.create(token, ApiKeysApi.body("name", "std", "expiresAt", expiry.toString(),
                    "scopes", List.of("model:a", "model:b"))).then().statusCode(201).extract().path("key");

            Response response = standard(key);
            // Keycloak's endpoint (@NoCache) sets these on every answer, overriding a provider's no-store.
            response.then().statusCode(200).contentType(ContentType.JSON)
                    .header("Cache-Control", "no-cache").header("Pragma", "no-cache");
            Map<String, Object> answer = response.jsonPath().getMap("");

            assertThat(answer).isEqualTo(ourAnswer(key));
            assertThat(answer).containsEntry("active", true).containsEntry("sub", user.getId())
                    .containsEntry("key_id", key.substring(3, 15)).containsEntry("token_type", "api_key")
                    .containsEntry("scope", "model:a model:b").containsKey("limits");
            assertThat(answer.get("exp")).isEqualTo((int) expiry.getEpochSecond());
        }

        @Test
        @DisplayName("is answered to the client secret sent as form parameters (client_secret_post) too")
        void clientSecretPost() {
            String key = api.mint(token, "std-post");
            given().contentType(ContentType.URLENC).formParam("client_id", TestRealm.GATEWAY_CLIENT)
                    .formParam("client_secret", TestRealm.GATEWAY_SECRET).formParam("token", key)
                    .formParam("token_type_hint", HINT).post(endpoint())
                    .then().statusCode(200).body("active", equalTo(true)).body("key_id", equalTo(key.substring(3, 15)));
        }

        @Test
        @DisplayName("a realm access token sent with the hint gets our endpoint's answer too (RFC 7662: the search extends)")
        void accessTokenWithTheHint() {
            Map<String, Object> answer = standardAnswer(token);
            assertThat(answer).containsEntry("active", true).containsEntry("token_type", "Bearer");
            assertThat(answer).isEqualTo(ourAnswer(token));
        }
    }

    @Nested
    @DisplayName("answers exactly {\"active\":false}, as our endpoint does, for")
    class Inactive {

        @Test
        @DisplayName("a forged key: an issued key id with another secret, and a well-formed key never issued")
        void forged() {
            String key = api.mint(token, "std-forged");
            String forged = ForgedKeys.withOtherSecret(key);
            assertThat(ApiKeyFormat.defaultFormat().parse(forged)).as("well-formed, valid checksum").isPresent();
            assertThat(standardAnswer(forged)).isEqualTo(INACTIVE).isEqualTo(ourAnswer(forged));

            String neverIssued = ApiKeyFormat.defaultFormat().generate().token();
            assertThat(standardAnswer(neverIssued)).isEqualTo(INACTIVE);
            assertThat(standardAnswer(key)).as("control: the real key").containsEntry("active", true);
        }

        @Test
        @DisplayName("malformed strings: garbage, a wrong prefix, a bad checksum, a truncated key, a tampered JWT")
        void malformed() {
            String key = api.mint(token, "std-malformed");
            String[] parts = token.split("\\.");
            for (String bad : List.of("garbage", "xx" + key.substring(2), key.substring(0, key.length() - 1),
                    key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"), key + "0", "a b.c.d",
                    parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse())) {
                assertThat(standardAnswer(bad)).as(bad.length() > 20 ? "a variant of a real credential" : bad)
                        .isEqualTo(INACTIVE);
            }
        }

        @Test
        @DisplayName("a revoked key")
        void revoked() {
            String key = api.mint(token, "std-revoked");
            assertThat(standardAnswer(key)).containsEntry("active", true);
            api.revoke(token, key.substring(3, 15)).then().statusCode(204);
            assertThat(standardAnswer(key)).isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("an expired key")
        void expired() throws InterruptedException {
            Instant expiry = Instant.now().plusSeconds(5);
            String key = api.create(token, ApiKeysApi.body("name", "std-short-lived", "expiresAt", expiry.toString()))
                    .then().statusCode(201).extract().path("key");
            assertThat(standardAnswer(key)).containsEntry("active", true);
            Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis()) + 1500);
            assertThat(standardAnswer(key)).isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("an empty token is a 400 invalid_request, as at our endpoint")
        void empty() {
            as(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).formParam("token", "").formParam("token_type_hint", HINT)
                    .post(endpoint()).then().statusCode(400).body("error", equalTo("invalid_request"));
        }
    }

    @Nested
    @DisplayName("the same client rules as our endpoint")
    class Clients {

        @Test
        @DisplayName("a confidential client without api-key-introspector: 403 insufficient_scope, "
                + "though Keycloak still answers it about access tokens")
        void notAGateway() {
            String key = api.mint(token, "std-not-for-you");
            as(TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET).formParam("token", key)
                    .formParam("token_type_hint", HINT).post(endpoint())
                    .then().statusCode(403).body("error", equalTo("insufficient_scope"));
            api.introspect(key).then().statusCode(200).body("active", equalTo(true));

            // Keycloak's own introspection still answers it (its answer is its business: active only
            // for tokens whose audience names the caller).
            as(TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET).formParam("token", token)
                    .post(endpoint()).then().statusCode(200).body("active", org.hamcrest.Matchers.notNullValue());
        }

        @Test
        @DisplayName("no client authentication, or a wrong secret: Keycloak's 401")
        void unauthenticated() {
            String key = api.mint(token, "std-anonymous");
            given().contentType(ContentType.URLENC).formParam("token", key).formParam("token_type_hint", HINT)
                    .post(endpoint()).then().statusCode(401).body(org.hamcrest.Matchers.not(containsString("key_id")));
            as(TestRealm.GATEWAY_CLIENT, "wrong").formParam("token", key).formParam("token_type_hint", HINT)
                    .post(endpoint()).then().statusCode(401);
        }

        @Test
        @DisplayName("a public client: refused by Keycloak before any key is looked at")
        void publicClient() {
            String key = api.mint(token, "std-public");
            given().contentType(ContentType.URLENC).formParam("client_id", TestRealm.ACCOUNT_CONSOLE_CLIENT)
                    .formParam("token", key).formParam("token_type_hint", HINT).post(endpoint())
                    .then().statusCode(403).body("error", equalTo("invalid_request"))
                    .body(org.hamcrest.Matchers.not(containsString("key_id")));
        }
    }

    @Nested
    @DisplayName("without the hint, Keycloak's endpoint is unchanged")
    class WithoutTheHint {

        @Test
        @DisplayName("an access token gets Keycloak's own answer (the token's claims), with and without hint access_token")
        void accessToken() {
            // A token whose audience names the gateway (Keycloak answers a client only about such tokens).
            String own = IntrospectionIT.clientToken(keycloak, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);
            for (String hint : new String[] {null, "access_token"}) {
                RequestSpecification request = as(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).formParam("token", own);
                if (hint != null) {
                    request = request.formParam("token_type_hint", hint);
                }
                JsonPath answer = request.post(endpoint()).then().statusCode(200).extract().jsonPath();
                assertThat(answer.getBoolean("active")).isTrue();
                assertThat(answer.getString("azp")).isEqualTo(TestRealm.EXAMPLE_SERVICE_CLIENT);
                assertThat(answer.getString("iss")).as("a claim only Keycloak's answer carries")
                        .isEqualTo(keycloak.getIssuer(TestRealm.REALM));
                assertThat(answer.getString("key_id")).isNull();
            }
        }

        @Test
        @DisplayName("an API key is not an access token: {\"active\":false}, so a tool must send the hint")
        void keyWithoutTheHint() {
            String key = api.mint(token, "std-no-hint");
            Map<String, Object> answer = as(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).formParam("token", key)
                    .post(endpoint()).then().statusCode(200).extract().jsonPath().getMap("");
            assertThat(answer).isEqualTo(INACTIVE);
        }
    }

    @Test
    @DisplayName("neither the key nor its secret reaches Keycloak's log")
    void notLogged() throws Exception {
        String key = api.mint(token, "std-logged");
        String forged = ForgedKeys.withOtherSecret(key);
        standardAnswer(key);
        standardAnswer(forged);
        as(TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET).formParam("token", key)
                .formParam("token_type_hint", HINT).post(endpoint()).then().statusCode(403);

        String log = Files.readString(keycloak.getLogFile());
        assertThat(log).contains("INTROSPECT_TOKEN_ERROR").as("control: introspection errors are logged");
        assertThat(log).doesNotContain(key.substring(15, 47)).doesNotContain(forged.substring(15, 47));
    }

    @Nested
    @DisplayName("in the realm's event log (INTROSPECT_TOKEN saved)")
    class Events {

        @Test
        @DisplayName("an introspection names the key's id and owner, a refusal its reason, never the key")
        void events(KeycloakServer keycloak) {
            try (ScratchRealm scratch = ScratchRealm.create(keycloak, "std-events", Map.of())) {
                RealmEventsConfigRepresentation config = scratch.resource().getRealmEventsConfig();
                config.setEventsEnabled(true);
                config.setEnabledEventTypes(List.of("INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR"));
                scratch.resource().updateRealmEventsConfig(config);
                ApiKeysApi scratchApi = scratch.api();
                UserRepresentation owner = TestUsers.create(scratch.resource(), "owner");
                String key = scratchApi.mint(scratchApi.login(owner), "audited");
                String forged = ForgedKeys.withOtherSecret(key);

                for (String credential : List.of(key, forged)) {
                    as(ScratchRealm.GATEWAY_CLIENT, ScratchRealm.GATEWAY_SECRET).formParam("token", credential)
                            .formParam("token_type_hint", HINT).post(endpoint(keycloak, scratch.name()))
                            .then().statusCode(200);
                }

                var events = scratch.resource().getEvents(List.of("INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR"),
                        ScratchRealm.GATEWAY_CLIENT, null, null, null, null, 0, 10);
                assertThat(events).extracting(e -> e.getType())
                        .containsExactlyInAnyOrder("INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR");
                var success = events.stream().filter(e -> e.getType().equals("INTROSPECT_TOKEN")).findFirst().orElseThrow();
                assertThat(success.getUserId()).isEqualTo(owner.getId());
                assertThat(success.getDetails()).containsEntry("credential_id", key.substring(3, 15))
                        .containsEntry("token_type", HINT);
                assertThat(events).allSatisfy(e -> assertThat(String.valueOf(e.getDetails()))
                        .doesNotContain(key.substring(15, 47)).doesNotContain(forged.substring(15, 47)));
            }
        }
    }
}
