package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.usage.UsageApi;
import org.inferenceauth.testkit.BrowserLogin;
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
@DisplayName("A user manages their own API keys at /realms/{realm}/api-keys")
class SelfServiceApiKeysIT {

    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;
    private String token;

    private KeycloakServer keycloakServer;

    @BeforeEach
    void user(KeycloakServer keycloak) {
        keycloakServer = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "keys");
        token = api.login(user);
    }

    @Nested
    @DisplayName("POST mints a key")
    class Mint {

        @Test
        @DisplayName("the answer holds the key once, with its metadata; the key has the realm's prefix and format")
        void mintsPersonalKey() {
            JsonPath key = api.create(token, ApiKeysApi.body("name", "laptop", "scopes", List.of("model:llama-3")))
                    .then().statusCode(201).header("Cache-Control", "no-store").extract().jsonPath();

            assertThat(key.getString("key")).matches("ik_[0-9A-Za-z]{50}");
            assertThat(key.getString("key")).startsWith("ik_" + key.getString("keyId"));
            assertThat(key.getString("credentialId")).isEqualTo(key.getString("keyId"));
            assertThat(key.getString("name")).isEqualTo("laptop");
            assertThat(key.getString("project")).isEqualTo("personal");
            assertThat(key.getList("scopes")).containsExactly("model:llama-3");
            assertThat(Instant.parse(key.getString("createdAt"))).isCloseTo(Instant.now(), within(60));
            assertThat(Instant.parse(key.getString("expiresAt")))
                    .as("no expiry asked: the realm's maximum lifetime (365 days)")
                    .isCloseTo(Instant.now().plus(365, ChronoUnit.DAYS), within(60));
            assertThat(key.getString("lastUsedAt")).isNull();
        }

        @Test
        @DisplayName("a requested expiry is kept")
        void keepsExpiry() {
            Instant expiry = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            api.create(token, ApiKeysApi.body("name", "ci", "expiresAt", expiry.toString()))
                    .then().statusCode(201).body("expiresAt", equalTo(expiry.toString()));
        }

        @Test
        @DisplayName("the web UI's tokens are accepted too")
        void webUiToken(KeycloakServer keycloak) {
            String webUiToken = BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
            api.create(webUiToken, ApiKeysApi.body("name", "from-ui")).then().statusCode(201);
        }

        @Test
        @DisplayName("names are unique per user, ignoring case: 409 name_taken")
        void duplicateName() {
            api.mint(token, "Build server");
            api.create(token, ApiKeysApi.body("name", "build SERVER"))
                    .then().statusCode(409).body("error", equalTo("name_taken"));
        }

        @Test
        @DisplayName("another user may use the same name")
        void sameNameOtherUser(KeycloakServer keycloak) {
            api.mint(token, "shared-name");
            String other = api.login(TestUsers.create(realm, "other"));
            api.create(other, ApiKeysApi.body("name", "shared-name")).then().statusCode(201);
        }

        @Test
        @DisplayName("bad names, expiries, scopes and bodies are 400 invalid_request")
        void invalidRequests() {
            for (Map<String, Object> bad : List.of(
                    ApiKeysApi.body("name", ""),
                    ApiKeysApi.body("name", "   "),
                    ApiKeysApi.body("name", "x".repeat(65)),
                    ApiKeysApi.body("name", "tab\there"),
                    ApiKeysApi.body("name", 42),
                    ApiKeysApi.body("name", "past", "expiresAt", Instant.now().minusSeconds(60).toString()),
                    ApiKeysApi.body("name", "too-long", "expiresAt", Instant.now().plus(400, ChronoUnit.DAYS).toString()),
                    ApiKeysApi.body("name", "not-a-date", "expiresAt", "tomorrow"),
                    ApiKeysApi.body("name", "bad-scope", "scopes", List.of("has space")),
                    ApiKeysApi.body("name", "bad-scopes", "scopes", "model:x"))) {
                api.create(token, bad).then().statusCode(400).body("error", equalTo("invalid_request"))
                        .body("error_description", not(nullValue()));
            }
            api.asUser(token).contentType(ContentType.JSON).body("{not json").post(api.base())
                    .then().statusCode(400).body("error", equalTo("invalid_request"));
            api.asUser(token).contentType(ContentType.JSON).body("[\"name\"]").post(api.base())
                    .then().statusCode(400).body("error", equalTo("invalid_request"));
            api.asUser(token).contentType(ContentType.TEXT).body("{\"name\":\"x\"}").post(api.base())
                    .then().statusCode(415).body("error", equalTo("invalid_request"));
        }

        @Test
        @DisplayName("a name of 64 printable characters, non-ASCII included, is fine")
        void longUnicodeName() {
            String name = "Schlüssel für das Große Modell ✓ " + "x".repeat(31);
            assertThat(name.codePointCount(0, name.length())).isEqualTo(64);
            api.create(token, ApiKeysApi.body("name", name)).then().statusCode(201).body("name", equalTo(name));
        }
    }

    @Nested
    @DisplayName("GET lists the caller's keys")
    class ListKeys {

        @Test
        @DisplayName("own keys only, oldest first, never a secret")
        void listsOwnKeys() {
            String first = api.mint(token, "first");
            api.mint(token, "second");
            api.mint(api.login(TestUsers.create(realm, "stranger")), "not-mine");

            String body = api.list(token).then().statusCode(200)
                    .body("keys", hasSize(2))
                    .body("keys[0].name", equalTo("first"))
                    .body("keys[1].name", equalTo("second"))
                    .body("keys[0].key", nullValue())
                    .extract().asString();
            assertThat(body).doesNotContain(first.substring(3 + 12)); // the secret part
        }

        @Test
        @DisplayName("last used and usage30d come from the gateway's usage batches, not from introspection")
        void lastUsed() {
            String key = api.mint(token, "used");
            assertThat(api.isActive(key)).isTrue();
            api.list(token).then().body("keys[0].lastUsedAt", nullValue())
                    .body("keys[0].usage30d.requests", equalTo(0));

            long usedAt = Instant.now().getEpochSecond() - 30;
            Map<String, Object> entry = UsageApi.apiEntry(java.time.LocalDate.now(java.time.ZoneOffset.UTC), user.getId(),
                    key.substring(3, 15), "personal", "demo-qwen", 2, 10, 30);
            entry.put("last_used", usedAt);
            UsageApi.inference(keycloakServer).deliver(List.of(entry));

            api.list(token).then().body("keys[0].lastUsedAt", equalTo(Instant.ofEpochSecond(usedAt).toString()))
                    .body("keys[0].usage30d.requests", equalTo(2))
                    .body("keys[0].usage30d.prompt_tokens", equalTo(10))
                    .body("keys[0].usage30d.completion_tokens", equalTo(30));
            // The operators' listing shows the same.
            given().auth().oauth2(keycloakServer.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                    .queryParam("keyId", key.substring(3, 15))
                    .get(keycloakServer.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys")
                    .then().statusCode(200)
                    .body("keys[0].lastUsedAt", equalTo(Instant.ofEpochSecond(usedAt).toString()))
                    .body("keys[0].usage30d.requests", equalTo(2));
        }
    }

    @Nested
    @DisplayName("DELETE revokes a key")
    class Revoke {

        @Test
        @DisplayName("the key stops working and disappears from the list")
        void revokes() {
            String key = api.mint(token, "to-revoke");
            String keyId = key.substring(3, 15);
            api.revoke(token, keyId).then().statusCode(204);

            assertThat(api.isActive(key)).isFalse();
            api.list(token).then().body("keys", hasSize(0));
        }

        @Test
        @DisplayName("minting and revoking are in the realm's event log, naming the key, never its secret")
        void audited() {
            String key = api.mint(token, "audited");
            String keyId = key.substring(3, 15);
            api.revoke(token, keyId).then().statusCode(204);

            var events = realm.getEvents(List.of("UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL"), TestRealm.ACCOUNT_CONSOLE_CLIENT,
                    user.getId(), null, null, null, 0, 10);
            assertThat(events).extracting(e -> e.getType()).containsExactlyInAnyOrder("UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getDetails()).containsEntry("credential_type", "project-api-key").containsEntry("credential_id", keyId);
                assertThat(e.getDetails().toString()).doesNotContain(key.substring(15));
            });
        }

        @Test
        @DisplayName("another user's key is 404 and stays active")
        void otherUsersKey() {
            String victimKey = api.mint(api.login(TestUsers.create(realm, "victim")), "precious");
            api.revoke(token, victimKey.substring(3, 15)).then().statusCode(404).body("error", equalTo("not_found"));
            assertThat(api.isActive(victimKey)).isTrue();
        }

        @Test
        @DisplayName("an unknown id is 404")
        void unknown() {
            api.revoke(token, "000000000000").then().statusCode(404);
        }
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {

        @Test
        @DisplayName("no token: 401 with a Bearer challenge on every self-service endpoint")
        void noToken() {
            given().get(api.base()).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer realm=\"inference\""))
                    .body("error", equalTo("invalid_token"));
            given().contentType(ContentType.JSON).body(Map.of("name", "x")).post(api.base()).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"));
            given().get(api.base() + "/projects").then().statusCode(401);
            given().delete(api.base() + "/000000000000").then().statusCode(401);
        }

        @Test
        @DisplayName("a forged or garbage token: 401 invalid_token")
        void badToken() {
            String[] parts = token.split("\\.");
            String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
            api.list(forged).then().statusCode(401).body("error", equalTo("invalid_token"))
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
            given().header("Authorization", "Basic Zm9vOmJhcg==").get(api.base()).then().statusCode(401);
        }

        @Test
        @DisplayName("a token issued to another client (wrong azp/audience): 401 invalid_token")
        void wrongClient(KeycloakServer keycloak) {
            String serviceToken = given().formParam("grant_type", "client_credentials")
                    .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                    .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                    .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                    .then().statusCode(200).extract().path("access_token");
            api.list(serviceToken).then().statusCode(401).body("error", equalTo("invalid_token"));
            api.create(serviceToken, ApiKeysApi.body("name", "x")).then().statusCode(401);
        }

        @Test
        @DisplayName("without the role api-key-user: 403 insufficient_scope for minting, listing still works")
        void missingRole() {
            var defaultRoles = realm.roles().get("default-roles-" + TestRealm.REALM).toRepresentation();
            realm.users().get(user.getId()).roles().realmLevel().remove(List.of(defaultRoles));
            String roleless = api.login(user);

            api.create(roleless, ApiKeysApi.body("name", "nope")).then().statusCode(403)
                    .body("error", equalTo("insufficient_scope"));
            api.list(roleless).then().statusCode(200);
        }

        @Test
        @DisplayName("a CORS preflight is answered; the real request is checked against the token's web origins")
        void preflight() {
            given().header("Origin", "http://localhost:3000").header("Access-Control-Request-Method", "POST")
                    .options(api.base()).then().statusCode(200)
                    .header("Access-Control-Allow-Methods", containsString("POST"));
            String webUiToken = BrowserLogin.webUi(keycloakServer).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
            api.asUser(webUiToken).header("Origin", "http://localhost:3000").get(api.base()).then().statusCode(200)
                    .header("Access-Control-Allow-Origin", "http://localhost:3000");
        }

        @Test
        @DisplayName("after logout the token's session is gone: 401")
        void loggedOut() {
            realm.users().get(user.getId()).logout();
            api.list(token).then().statusCode(401);
        }
    }

    @Nested
    @DisplayName("the account console")
    class AccountConsole {

        @Test
        @DisplayName("lists the keys as credentials of type project-api-key, with key id and project, removable")
        void listsKeysAsCredentials(KeycloakServer keycloak) {
            String key = api.mint(token, "console-listed");
            JsonPath types = given().auth().oauth2(token).accept(ContentType.JSON)
                    .get(keycloak.getIssuer(TestRealm.REALM) + "/account/credentials")
                    .then().statusCode(200).extract().jsonPath();
            Map<String, Object> container = types.getList("findAll { it.type == 'project-api-key' }", Map.class).get(0);
            assertThat(container.get("removeable")).isEqualTo(true);
            assertThat(container.get("displayName")).isEqualTo("project-api-key-display-name");
            String listed = types.prettify();
            assertThat(listed).contains("console-listed").contains(key.substring(3, 15)).doesNotContain(key.substring(15));
        }
    }

    private static org.assertj.core.data.TemporalUnitOffset within(long seconds) {
        return new org.assertj.core.data.TemporalUnitWithinOffset(seconds, ChronoUnit.SECONDS);
    }
}
