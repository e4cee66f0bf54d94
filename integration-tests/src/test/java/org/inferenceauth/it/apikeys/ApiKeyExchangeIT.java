package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A client exchanges an API key for a short-lived access token at the token endpoint")
class ApiKeyExchangeIT {

    static final String GRANT_TYPE = "urn:inference-auth:params:oauth:grant-type:api-key";

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

    private io.restassured.response.Response exchange(String apiKey) {
        return exchange(apiKey, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);
    }

    private io.restassured.response.Response exchange(String apiKey, String client, String secret) {
        return given().formParam("grant_type", GRANT_TYPE)
                .formParam("client_id", client)
                .formParam("client_secret", secret)
                .formParam("api_key", apiKey)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token");
    }

    @Test
    @DisplayName("a valid key yields an access token of its owner, for the calling client, without a refresh token")
    void exchanges() throws Exception {
        JsonPath answer = exchange(key).then().statusCode(200).extract().jsonPath();

        assertThat(answer.getString("refresh_token")).isNull();
        JWTClaimsSet claims = SignedJWT.parse(answer.getString("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(user.getId());
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.EXAMPLE_SERVICE_CLIENT);
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(user.getUsername());
        assertThat(claims.getAudience()).contains(TestRealm.GATEWAY_CLIENT);
        assertThat(claims.getExpirationTime().toInstant()).isBefore(Instant.now().plusSeconds(3600));
        assertThat(claims.getStringClaim("sid")).as("transient session, nothing stored").isNull();
    }

    @Test
    @DisplayName("such a token is refused by Keycloak's own APIs, even via a self-service client: it cannot mint more keys")
    void tokenIsForTheInferenceApiOnly() {
        // The web UI is a self-service client: its ordinary user tokens may manage keys.
        String accessToken = exchange(key, TestRealm.WEB_UI_CLIENT, TestRealm.WEB_UI_SECRET)
                .then().statusCode(200).extract().path("access_token");
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
        String scoped = api.create(api.login(user), ApiKeysApi.body("name", "one-model", "scopes", java.util.List.of("model:llama")))
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
