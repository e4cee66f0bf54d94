package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.apikey.format.ParsedApiKey;
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

/**
 * "May this key be used now?" has one answer: introspection, the gateways' re-check, the
 * key-for-token grant and the admin listing give the same one, for every reason a key can stop.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Introspection, the re-check, the grant and the admin listing agree on whether a key is active")
class KeyValidityIT {

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;

    @BeforeEach
    void setUp(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    /** What each of the four says about one key. */
    record Answers(boolean introspected, boolean rechecked, int exchange, boolean listedActive, String listedStatus) {}

    Answers ask(String key) {
        String keyId = key.substring(3, 15);
        boolean introspected = api.isActive(key);
        List<String> inactive = api.check(List.of(keyId)).then().statusCode(200).extract().jsonPath().getList("inactive");
        int exchange = given().formParam("grant_type", ApiKeyExchangeIT.GRANT_TYPE)
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET).formParam("api_key", key)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token").statusCode();
        JsonPath listed = given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                .queryParam("keyId", keyId).get(keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys")
                .then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("keys")).as("the listing shows inactive keys too").hasSize(1);
        return new Answers(introspected, !inactive.contains(keyId), exchange,
                Boolean.TRUE.equals(listed.get("keys[0].active")), listed.getString("keys[0].status"));
    }

    static Answers inactiveBecause(String status) {
        return new Answers(false, false, 400, false, status);
    }

    @Test
    @DisplayName("a valid key: all four say active")
    void active() {
        UserRepresentation user = TestUsers.create(realm, "valid");
        String key = api.mint(api.login(user), "valid");

        assertThat(ask(key)).isEqualTo(new Answers(true, true, 200, true, "active"));
    }

    @Test
    @DisplayName("its owner disabled: all four say inactive, the listing says why")
    void ownerDisabled() {
        UserRepresentation user = TestUsers.create(realm, "disabled");
        String key = api.mint(api.login(user), "disabled");
        user.setEnabled(false);
        realm.users().get(user.getId()).update(user);

        assertThat(ask(key)).isEqualTo(inactiveBecause("owner_disabled"));
    }

    @Test
    @DisplayName("its owner lost the role inference-user: all four say inactive")
    void ownerLacksRole() {
        UserRepresentation user = TestUsers.create(realm, "roleless");
        String key = api.mint(api.login(user), "roleless");
        realm.users().get(user.getId()).roles().realmLevel()
                .remove(List.of(realm.roles().get("default-roles-" + TestRealm.REALM).toRepresentation()));

        assertThat(ask(key)).isEqualTo(inactiveBecause("owner_lacks_role"));
    }

    @Test
    @DisplayName("a key held by a service account (imported, then indexed): all four say inactive (the re-check used to say active)")
    void serviceAccountOwner() throws Exception {
        String clientId = "importer-" + System.nanoTime();
        ParsedApiKey key = ApiKeyFormat.defaultFormat().generate();
        importServiceAccountWithKey(clientId, key);
        try {
            given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                    .post(keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys/reindex")
                    .then().statusCode(200).body("added", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

            assertThat(ask(key.token())).isEqualTo(inactiveBecause("owner_is_service_account"));
        } finally {
            realm.clients().get(realm.clients().findByClientId(clientId).get(0).getId()).remove();
        }
    }

    /**
     * A client with a service account that holds a key credential, through the admin partial import
     * (as a migration between realms would bring it): the one way a service account gets a key.
     */
    private void importServiceAccountWithKey(String clientId, ParsedApiKey key) throws Exception {
        String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(key.token().getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> credential = Map.of(
                "id", key.keyId(), "type", "project-api-key", "userLabel", "imported",
                "createdDate", System.currentTimeMillis(),
                "secretData", "{\"algorithm\":\"SHA-256\",\"hash\":\"" + digest + "\"}",
                "credentialData", "{\"keyId\":\"" + key.keyId() + "\",\"project\":\"personal\",\"scopes\":[]}");
        Map<String, Object> overlay = Map.of(
                "ifResourceExists", "FAIL",
                "clients", List.of(Map.of("clientId", clientId, "publicClient", false, "secret", "importer-secret",
                        "serviceAccountsEnabled", true, "standardFlowEnabled", false)),
                "users", List.of(Map.of("username", "service-account-" + clientId, "enabled", true,
                        "serviceAccountClientId", clientId, "realmRoles", List.of("default-roles-" + TestRealm.REALM),
                        "credentials", List.of(credential))));
        given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                .contentType(ContentType.JSON).body(overlay)
                .post(keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/partialImport")
                .then().statusCode(200).body("added", equalTo(2));
    }

    @Test
    @DisplayName("the re-check refuses anything but key ids (400) and so never repeats a whole key")
    void recheckTakesKeyIdsOnly() {
        UserRepresentation user = TestUsers.create(realm, "whole-key");
        String key = api.mint(api.login(user), "whole");

        String answer = api.check(List.of(key)).then().statusCode(400).body("error", equalTo("invalid_request"))
                .extract().asString();

        assertThat(answer).doesNotContain(key).doesNotContain(key.substring(15));
    }
}
