package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A client exchanges an API key for a short-lived access token at the token endpoint")
class ApiKeyExchangeIT {

    static final String GRANT_TYPE = "urn:inference-auth:params:oauth:grant-type:api-key";
    static final String EXCHANGE_ATTRIBUTE = "inference.apikey.exchangeEnabled";

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;
    private String key;

    @BeforeEach
    void key(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "exchanger");
        key = api.mint(api.login(user), "sdk");
    }

    /** Exchanged by example-service, the dev overlay's client enabled for the exchange. */
    private io.restassured.response.Response exchange(String apiKey) {
        return exchange(apiKey, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);
    }

    private io.restassured.response.Response exchange(String apiKey, String client, String secret) {
        var request = given().formParam("grant_type", GRANT_TYPE).formParam("client_id", client).formParam("api_key", apiKey);
        return (secret == null ? request : request.formParam("client_secret", secret))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token");
    }

    private static JWTClaimsSet claims(String accessToken) throws Exception {
        return SignedJWT.parse(accessToken).getJWTClaimsSet();
    }

    private ClientResource client(String clientId) {
        return realm.clients().get(realm.clients().findByClientId(clientId).get(0).getId());
    }

    @Test
    @DisplayName("a valid key yields an access token of its owner, for the calling client, without refresh or ID token")
    void exchanges() throws Exception {
        JsonPath answer = given().formParam("grant_type", GRANT_TYPE)
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .formParam("api_key", key).formParam("scope", "openid offline_access")
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().jsonPath();

        assertThat(answer.getString("refresh_token")).isNull();
        assertThat(answer.getString("id_token")).as("openid is not honoured: no ID token").isNull();
        JWTClaimsSet claims = claims(answer.getString("access_token"));
        assertThat(claims.getSubject()).isEqualTo(user.getId());
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.EXAMPLE_SERVICE_CLIENT);
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(user.getUsername());
        assertThat(claims.getAudience()).contains(TestRealm.GATEWAY_CLIENT);
        assertThat(claims.getExpirationTime().toInstant()).isBefore(Instant.now().plusSeconds(3600));
        assertThat(claims.getStringClaim("sid")).as("transient session, nothing stored").isNull();
        assertThat(claims.getStringClaim("scope")).doesNotContain("offline_access").doesNotContain("openid");
    }

    @Nested
    @DisplayName("the token is no wider than the key")
    class NoWiderThanTheKey {

        @Test
        @DisplayName("it names the key in the claim api_key_id")
        void namesTheKey() throws Exception {
            String accessToken = exchange(key).then().statusCode(200).extract().path("access_token");
            assertThat(claims(accessToken).getStringClaim("api_key_id")).isEqualTo(key.substring(3, 15));
        }

        @Test
        @DisplayName("it expires with the key when the key ends before the realm's token lifespan")
        void expiresWithTheKey() throws Exception {
            String token = api.login(user);
            // After the login, which can take seconds on a busy machine: the expiry must still be ahead when minting.
            Instant keyExpiry = Instant.now().plusSeconds(90).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            String shortKey = api.create(token, ApiKeysApi.body("name", "short", "expiresAt", keyExpiry.toString()))
                    .then().statusCode(201).extract().path("key");

            JsonPath answer = exchange(shortKey).then().statusCode(200).extract().jsonPath();

            assertThat(claims(answer.getString("access_token")).getExpirationTime().toInstant()).isEqualTo(keyExpiry);
            assertThat(answer.getLong("expires_in")).isBetween(1L, 90L);
        }

        @Test
        @DisplayName("its only role is inference-user: an administrator's key yields no realm-management, account or other realm role")
        void onlyTheInferenceRole() throws Exception {
            UserRepresentation admin = TestUsers.create(realm, "exchanging-admin");
            String management = realm.clients().findByClientId("realm-management").get(0).getId();
            List<RoleRepresentation> manageUsers = List.of(realm.clients().get(management).roles().get("manage-users").toRepresentation());
            realm.users().get(admin.getId()).roles().clientLevel(management).add(manageUsers);
            String adminKey = api.mint(api.login(admin), "admin-sdk");

            JWTClaimsSet claims = claims(exchange(adminKey).then().statusCode(200).extract().path("access_token"));

            assertThat(claims.getJSONObjectClaim("realm_access")).isEqualTo(Map.of("roles", List.of(TestRealm.INFERENCE_USER_ROLE)));
            assertThat(claims.getClaim("resource_access")).as("no client roles at all").isNull();
        }

        @Test
        @DisplayName("Keycloak's introspection reports it inactive once the key is revoked")
        void introspectionFollowsTheKey() {
            String accessToken = exchange(key).then().statusCode(200).extract().path("access_token");
            api.introspect(accessToken).then().statusCode(200).body("active", equalTo(true));

            api.revoke(api.login(user), key.substring(3, 15)).then().statusCode(204);

            assertThat(api.introspect(accessToken).then().statusCode(200).extract().jsonPath().getMap(""))
                    .isEqualTo(Map.of("active", false));
        }
    }

    @Nested
    @DisplayName("only confidential clients an operator enabled may exchange (client attribute " + EXCHANGE_ATTRIBUTE + ")")
    class WhoMayExchange {

        @Test
        @DisplayName("a public client (admin-cli) gets 400 unauthorized_client, with or without a valid key")
        void publicClient() {
            exchange(key, "admin-cli", null).then().statusCode(400).body("error", equalTo("unauthorized_client"));
            exchange("ik_garbage", "admin-cli", null).then().statusCode(400).body("error", equalTo("unauthorized_client"));
        }

        @Test
        @DisplayName("a confidential client not enabled for it (the web UI) gets 400 unauthorized_client")
        void confidentialButNotEnabled() {
            exchange(key, TestRealm.WEB_UI_CLIENT, TestRealm.WEB_UI_SECRET).then().statusCode(400)
                    .body("error", equalTo("unauthorized_client"));
        }

        @Test
        @DisplayName("a public client stays refused even if someone sets the attribute on it")
        void publicClientWithTheAttribute() {
            ClientResource adminCli = client("admin-cli");
            ClientRepresentation rep = adminCli.toRepresentation();
            rep.getAttributes().put(EXCHANGE_ATTRIBUTE, "true");
            adminCli.update(rep);
            try {
                exchange(key, "admin-cli", null).then().statusCode(400).body("error", equalTo("unauthorized_client"));
            } finally {
                rep.getAttributes().put(EXCHANGE_ATTRIBUTE, "false"); // an update never removes attributes
                adminCli.update(rep);
            }
        }
    }

    @Test
    @DisplayName("such a token is refused by Keycloak's own APIs, even via a self-service client: it cannot mint more keys")
    void tokenIsForTheInferenceApiOnly() {
        // The web UI is a self-service client: its ordinary user tokens may manage keys. Enabled for the
        // exchange here only, to show that a token bought with a key still may not.
        ClientResource webUi = client(TestRealm.WEB_UI_CLIENT);
        ClientRepresentation rep = webUi.toRepresentation();
        rep.getAttributes().put(EXCHANGE_ATTRIBUTE, "true");
        webUi.update(rep);
        String accessToken;
        try {
            accessToken = exchange(key, TestRealm.WEB_UI_CLIENT, TestRealm.WEB_UI_SECRET)
                    .then().statusCode(200).extract().path("access_token");
        } finally {
            rep.getAttributes().put(EXCHANGE_ATTRIBUTE, "false"); // an update never removes attributes
            webUi.update(rep);
        }
        api.list(accessToken).then().statusCode(401);
        api.create(accessToken, ApiKeysApi.body("name", "minted-by-key")).then().statusCode(401);
        given().auth().oauth2(accessToken).accept("application/json")
                .get(keycloak.getIssuer(TestRealm.REALM) + "/account").then().statusCode(401);
        given().auth().oauth2(accessToken)
                .get(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/userinfo")
                .then().statusCode(org.hamcrest.Matchers.oneOf(401, 403));
    }

    @Test
    @DisplayName("a revoked, malformed or forged key is 400 invalid_grant")
    void invalidKeys() {
        exchange("ik_garbage").then().statusCode(400).body("error", equalTo("invalid_grant"));
        exchange(org.inferenceauth.apikey.format.ForgedKeys.withOtherSecret(key)).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        api.revoke(api.login(user), key.substring(3, 15)).then().statusCode(204);
        exchange(key).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    @DisplayName("a key limited to certain models is not exchanged (the token could not carry the limit): 400 invalid_grant")
    void modelScopedKey() {
        String scoped = api.create(api.login(user), ApiKeysApi.body("name", "one-model", "scopes", List.of("model:llama")))
                .then().statusCode(201).extract().path("key");

        exchange(scoped).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", org.hamcrest.Matchers.containsString("limited to certain models"));
    }

    @Test
    @DisplayName("a missing api_key parameter is 400 invalid_request")
    void missingKey() {
        given().formParam("grant_type", GRANT_TYPE)
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    @DisplayName("without client authentication: 401")
    void noClientAuthentication() {
        given().formParam("grant_type", GRANT_TYPE).formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("api_key", key)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(401);
    }
}
