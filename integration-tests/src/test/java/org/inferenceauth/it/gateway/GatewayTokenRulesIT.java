package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inferenceauth.it.Waiting;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The gateway against the real Keycloak: tokens obtained with an API key end with the key, the
 * realm role inference-user gates keys and tokens alike, and web-UI users are told apart.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The gateway's rules for tokens: they end with their key, need inference-user, and carry a channel")
class GatewayTokenRulesIT {

    static KeycloakServer keycloak;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start(KeycloakServer server) {
        keycloak = server;
        gateway = new GatewayUnderTest(server, Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static String exchange(String apiKey) {
        return given().formParam("grant_type", "urn:inference-auth:params:oauth:grant-type:api-key")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .formParam("api_key", apiKey)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    static RealmResource realm() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    /** A fresh user, their account-console token and a personal key of theirs. */
    record Owner(UserRepresentation user, String userToken, String key, String keyId) {}

    static Owner owner(String prefix) {
        UserRepresentation user = TestUsers.create(realm(), prefix);
        String userToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        JsonPath key = given().auth().oauth2(userToken).contentType(ContentType.JSON).body(Map.of("name", prefix))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(201).extract().jsonPath();
        return new Owner(user, userToken, key.getString("key"), key.getString("keyId"));
    }

    static int status(String credential) {
        return gateway.status(credential);
    }

    /** Runs one revocation round (feed, then re-check of keys and of the keys tokens were bought with), then checks. */
    static void afterOneRound(String what, Callable<Boolean> condition) throws Exception {
        gateway.oneRevocationRound();
        assertThat(condition.call()).as(what).isTrue();
    }

    @Test
    @DisplayName("a token obtained with a key works until the key is revoked, then is refused after the next round")
    void tokenEndsWithItsKey() throws Exception {
        Owner minted = owner("token-of-key");
        String token = exchange(minted.key());
        assertThat(status(token)).isEqualTo(200);

        given().auth().oauth2(minted.userToken()).delete(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/" + minted.keyId())
                .then().statusCode(204);

        afterOneRound("token of a revoked key refused", () -> status(token) == 401);
    }

    @Test
    @DisplayName("its owner loses inference-user: their key and the token bought with it are refused after the next round, a new web-UI token is 401")
    void roleTakenAway() throws Exception {
        Owner minted = owner("role-lost");
        String token = exchange(minted.key());
        assertThat(status(minted.key())).isEqualTo(200);
        assertThat(status(token)).isEqualTo(200);

        // The role comes with the default roles; an operator takes those away from this one user.
        UserResource user = realm().users().get(minted.user().getId());
        user.roles().realmLevel().remove(List.of(realm().roles().get("default-roles-inference").toRepresentation()));

        afterOneRound("key of a user without inference-user refused", () -> status(minted.key()) == 401);
        assertThat(status(token)).as("token of that key refused").isEqualTo(401);
        String webUiToken = BrowserLogin.webUi(keycloak).login(minted.user().getUsername(), TestUsers.PASSWORD).accessToken();
        assertThat(status(webUiToken)).as("a token without the role").isEqualTo(401);
    }

    @Test
    @DisplayName("the access log and metrics say ui for a web-UI user and api for a key and for a token bought with one")
    void channel() throws Exception {
        UserRepresentation person = TestUsers.create(realm(), "chatting");
        String webUiToken = BrowserLogin.webUi(keycloak).login(person.getUsername(), TestUsers.PASSWORD).accessToken();
        Owner minted = owner("scripting");
        assertThat(status(webUiToken)).isEqualTo(200);
        assertThat(status(minted.key())).isEqualTo(200);
        assertThat(status(exchange(minted.key()))).isEqualTo(200);

        Waiting.until("three access-log lines", () -> gateway.channelsOf(person.getId(), minted.user().getId()).size() == 3,
                GatewayApiKeyIT.UNATTENDED_LIMIT);
        assertThat(gateway.channelsOf(person.getId(), minted.user().getId())).containsExactly("ui", "api", "api");
        String metrics = given().get(gateway.managementUrl() + "/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("gateway_auth_total{channel=\"ui\",method=\"jwt\",outcome=\"authenticated\"}");
    }
}
