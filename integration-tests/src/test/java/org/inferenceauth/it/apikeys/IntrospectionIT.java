package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
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
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A gateway introspects API keys at /realms/{realm}/api-keys/introspect")
class IntrospectionIT {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;
    private String token;

    @BeforeEach
    void user(KeycloakServer keycloak) {
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "introspected");
        token = api.login(user);
    }

    @Nested
    @DisplayName("a valid key")
    class Valid {

        @Test
        @DisplayName("is active, with owner, key id, project, scope, times and minting client (RFC 7662 shape)")
        void activeAnswer() {
            Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            JsonPath minted = api.create(token, ApiKeysApi.body("name", "gw", "expiresAt", expiry.toString(),
                    "scopes", List.of("model:a", "model:b"))).then().statusCode(201).extract().jsonPath();

            JsonPath answer = api.introspect(minted.getString("key")).then().statusCode(200)
                    .header("Cache-Control", "no-store").extract().jsonPath();

            assertThat(answer.getBoolean("active")).isTrue();
            assertThat(answer.getString("sub")).isEqualTo(user.getId());
            assertThat(answer.getString("username")).isEqualTo(user.getUsername());
            assertThat(answer.getString("email")).isEqualTo(user.getEmail());
            assertThat(answer.getString("key_id")).isEqualTo(minted.getString("keyId"));
            assertThat(answer.getString("project")).isEqualTo("personal");
            assertThat(answer.getString("scope")).isEqualTo("model:a model:b");
            assertThat(answer.getLong("exp")).isEqualTo(expiry.getEpochSecond());
            assertThat(answer.getLong("iat")).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
            assertThat(answer.getString("client_id")).isEqualTo(TestRealm.ACCOUNT_CONSOLE_CLIENT);
            assertThat(answer.getString("token_type")).isEqualTo("api_key");
        }

        @Test
        @DisplayName("of an owner without an email: no email member at all (absent, not null or empty)")
        void withoutEmail() {
            String key = api.mint(token, "no-email");
            UserRepresentation changed = realm.users().get(user.getId()).toRepresentation();
            changed.setEmail("");
            realm.users().get(user.getId()).update(changed);
            assertThat(realm.users().get(user.getId()).toRepresentation().getEmail()).as("the email is gone").isNullOrEmpty();

            Map<String, Object> answer = api.introspect(key).then().statusCode(200).extract().jsonPath().getMap("");

            assertThat(answer).containsEntry("active", true).containsEntry("username", user.getUsername())
                    .doesNotContainKey("email");
        }

        @Test
        @DisplayName("is also accepted with the gateway's service-account bearer token")
        void serviceAccountBearer(KeycloakServer keycloak) {
            String key = api.mint(token, "bearer");
            String gatewayToken = clientToken(keycloak, TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
            given().auth().oauth2(gatewayToken).contentType(ContentType.URLENC).formParam("token", key)
                    .post(api.base() + "/introspect").then().statusCode(200).body("active", equalTo(true));
        }

        @Test
        @DisplayName("and with the client secret as form parameters (client_secret_post)")
        void clientSecretPost() {
            String key = api.mint(token, "post");
            given().contentType(ContentType.URLENC).formParam("client_id", TestRealm.GATEWAY_CLIENT)
                    .formParam("client_secret", TestRealm.GATEWAY_SECRET).formParam("token", key)
                    .post(api.base() + "/introspect").then().statusCode(200).body("active", equalTo(true));
        }
    }

    @Nested
    @DisplayName("answers exactly {\"active\":false} for")
    class Inactive {

        @Test
        @DisplayName("garbage, a wrong prefix, a bad checksum and a truncated key")
        void malformed() {
            String key = api.mint(token, "malformed");
            for (String bad : List.of("garbage", "xx" + key.substring(2), key.substring(0, key.length() - 1),
                    key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"), key + "0")) {
                assertThat(api.introspect(bad).then().statusCode(200).extract().jsonPath().getMap(""))
                        .isEqualTo(INACTIVE);
            }
        }

        @Test
        @DisplayName("a well-formed key that was never issued")
        void unknown() {
            String neverIssued = ApiKeyFormat.defaultFormat().generate().token();
            assertThat(api.introspect(neverIssued).then().statusCode(200).extract().jsonPath().getMap(""))
                    .isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("an issued key id with another secret (valid checksum)")
        void wrongSecret() {
            String key = api.mint(token, "guessed");
            String forged = ForgedKeys.withOtherSecret(key);
            assertThat(ApiKeyFormat.defaultFormat().parse(forged)).isPresent();
            assertThat(api.introspect(forged).then().statusCode(200).extract().jsonPath().getMap(""))
                    .isEqualTo(INACTIVE);
            assertThat(api.isActive(key)).isTrue();
        }

        @Test
        @DisplayName("a revoked key")
        void revoked() {
            String key = api.mint(token, "revoked");
            api.revoke(token, key.substring(3, 15)).then().statusCode(204);
            assertThat(api.introspect(key).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("an expired key")
        void expired() throws InterruptedException {
            Instant expiry = Instant.now().plusSeconds(5);
            String key = api.create(token, ApiKeysApi.body("name", "short-lived", "expiresAt", expiry.toString()))
                    .then().statusCode(201).extract().path("key");
            assertThat(api.isActive(key)).isTrue();
            Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis()) + 1500);
            assertThat(api.introspect(key).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("a key of a disabled user, active again once re-enabled")
        void disabledUser() {
            String key = api.mint(token, "disabled");
            UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
            rep.setEnabled(false);
            realm.users().get(user.getId()).update(rep);
            assertThat(api.introspect(key).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);

            rep.setEnabled(true);
            realm.users().get(user.getId()).update(rep);
            assertThat(api.isActive(key)).isTrue();
        }

        @Test
        @DisplayName("a key of a deleted user")
        void deletedUser() {
            String key = api.mint(token, "deleted");
            realm.users().delete(user.getId()).close();
            assertThat(api.introspect(key).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);
        }
    }

    @Nested
    @DisplayName("a Keycloak access token of the realm is answered too")
    class Jwt {

        @Test
        @DisplayName("a user's token is active, with its owner, client, scope and times")
        void userToken() {
            JsonPath answer = api.introspect(token).then().statusCode(200).extract().jsonPath();
            assertThat(answer.getBoolean("active")).isTrue();
            assertThat(answer.getString("sub")).isEqualTo(user.getId());
            assertThat(answer.getString("username")).isEqualTo(user.getUsername());
            assertThat(answer.getString("client_id")).isEqualTo(TestRealm.ACCOUNT_CONSOLE_CLIENT);
            assertThat(answer.getString("token_type")).isEqualTo("Bearer");
            assertThat(answer.getString("scope")).contains("openid");
            assertThat(answer.getLong("exp")).isGreaterThan(Instant.now().getEpochSecond());
        }

        @Test
        @DisplayName("a tampered token, and a token whose session was logged out, are {\"active\":false}")
        void invalidTokens() {
            String[] parts = token.split("\\.");
            String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
            assertThat(api.introspect(tampered).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);

            realm.users().get(user.getId()).logout();
            assertThat(api.introspect(token).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);
        }

        @Test
        @DisplayName("a session-less service-account token revoked at the realm's /revoke endpoint (RFC 7009), "
                + "or whose client is disabled, is {\"active\":false}")
        void revokedOrDisabledClientToken(KeycloakServer keycloak) {
            String tokenEndpoint = keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token";
            java.util.function.Supplier<String> serviceToken = () -> given().formParam("grant_type", "client_credentials")
                    .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                    .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                    .post(tokenEndpoint).then().statusCode(200).extract().path("access_token");
            String revoked = serviceToken.get();
            api.introspect(revoked).then().statusCode(200).body("active", equalTo(true));

            given().formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                    .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                    .formParam("token", revoked).formParam("token_type_hint", "access_token")
                    .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/revoke")
                    .then().statusCode(200);
            assertThat(api.introspect(revoked).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);

            String other = serviceToken.get();
            var clients = realm.clients();
            var client = clients.get(clients.findByClientId(TestRealm.EXAMPLE_SERVICE_CLIENT).get(0).getId());
            var rep = client.toRepresentation();
            rep.setEnabled(false);
            client.update(rep);
            try {
                assertThat(api.introspect(other).then().extract().jsonPath().getMap("")).isEqualTo(INACTIVE);
            } finally {
                rep.setEnabled(true);
                client.update(rep);
            }
        }

        @Test
        @DisplayName("a token from the key exchange (no stored session) is active")
        void exchangedToken(KeycloakServer keycloak) {
            String key = api.mint(token, "exchanged");
            String exchanged = given().formParam("grant_type", ApiKeyExchangeIT.GRANT_TYPE)
                    .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                    .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET).formParam("api_key", key)
                    .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                    .then().statusCode(200).extract().path("access_token");
            api.introspect(exchanged).then().statusCode(200).body("active", equalTo(true))
                    .body("sub", equalTo(user.getId())).body("client_id", equalTo(TestRealm.EXAMPLE_SERVICE_CLIENT));
        }
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {

        @Test
        @DisplayName("no client credentials: 401")
        void noCredentials() {
            given().contentType(ContentType.URLENC).formParam("token", "x").post(api.base() + "/introspect")
                    .then().statusCode(401);
        }

        @Test
        @DisplayName("a wrong client secret: 401")
        void wrongSecret() {
            given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, "wrong").contentType(ContentType.URLENC)
                    .formParam("token", "x").post(api.base() + "/introspect").then().statusCode(401);
        }

        @Test
        @DisplayName("a client without the api-key-introspector role: 403, by secret and by bearer token")
        void clientWithoutRole(KeycloakServer keycloak) {
            String key = api.mint(token, "not-for-you");
            given().auth().preemptive().basic(TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET)
                    .contentType(ContentType.URLENC).formParam("token", key).post(api.base() + "/introspect")
                    .then().statusCode(403).body("error", equalTo("insufficient_scope"));
            String serviceToken = clientToken(keycloak, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);
            given().auth().oauth2(serviceToken).contentType(ContentType.URLENC).formParam("token", key)
                    .post(api.base() + "/introspect").then().statusCode(403);
        }

        @Test
        @DisplayName("a user's own token is no gateway credential: 403")
        void userToken() {
            String key = api.mint(token, "self");
            given().auth().oauth2(token).contentType(ContentType.URLENC).formParam("token", key)
                    .post(api.base() + "/introspect").then().statusCode(403);
        }

        @Test
        @DisplayName("a missing token parameter: 400 invalid_request")
        void missingToken() {
            api.asGateway().contentType(ContentType.URLENC).formParam("other", "x").post(api.base() + "/introspect")
                    .then().statusCode(400).body("error", equalTo("invalid_request"));
        }
    }

    static String clientToken(KeycloakServer keycloak, String client, String secret) {
        return given().formParam("grant_type", "client_credentials").formParam("client_id", client)
                .formParam("client_secret", secret)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
