package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DatabaseMetaData;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.gateway.GatewayUnderTest;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Our foreign key points into Keycloak's CREDENTIAL table; a future Keycloak migration of that
 * table might need it out of the way. These restarts prove the way back: Keycloak starts on an
 * existing database with our tables, and after our tables and changelog are dropped Liquibase
 * re-creates them, and the index is restored from the credentials. The first restart also proves an
 * upgraded realm gets the {@code inference-limits} client scope at the next start.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Upgrade-like restarts of Keycloak on an existing database")
class UpgradeScenarioIT {

    static final String CHANGELOG_TABLE = "DATABASECHANGELOG_APIKEYS_ST";
    private static final String LIMITS_SCOPE = "inference-limits";

    @Test
    @DisplayName("a restart keeps keys valid, does not re-run our changelog, and gives the inference-limits client scope"
            + " to an existing realm that asked for it since (not to one that did not)")
    void restart(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        String key = api.mint(api.login(TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM),
                "restart")), "survivor");
        ScratchRealm asking = ScratchRealm.create(keycloak, "upgraded", Map.of());
        ScratchRealm silent = ScratchRealm.create(keycloak, "silent", Map.of());
        try {
            assertThat(scopeNames(asking.resource())).as("not asked for at creation").doesNotContain(LIMITS_SCOPE);
            askForLimitsScope(asking.resource());

            keycloak.stop(); // one restart for both checks: each costs a Keycloak start in CI
            keycloak.start();

            assertThat(api.isActive(key)).isTrue();
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                assertThat(db.count("SELECT COUNT(*) FROM " + CHANGELOG_TABLE)).as("our three change sets, run once").isEqualTo(3);
            }
            RealmResource upgraded = keycloak.getKeycloakAdminClient().realm(asking.name());
            assertThat(upgraded.getDefaultDefaultClientScopes()).extracting(ClientScopeRepresentation::getName)
                    .as("a realm default, so new clients get it").contains(LIMITS_SCOPE);
            String gateway = upgraded.clients().findByClientId(ScratchRealm.GATEWAY_CLIENT).get(0).getId();
            assertThat(upgraded.clients().get(gateway).getDefaultClientScopes()).extracting(ClientScopeRepresentation::getName)
                    .as("on the realm's existing clients").contains(LIMITS_SCOPE);
            ClientScopeRepresentation scope = upgraded.clientScopes().findAll().stream()
                    .filter(s -> LIMITS_SCOPE.equals(s.getName())).findFirst().orElseThrow();
            assertThat(scope.getProtocolMappers()).extracting(ProtocolMapperRepresentation::getProtocolMapper)
                    .containsExactly("inference-limits-mapper");
            assertThat(scopeNames(keycloak.getKeycloakAdminClient().realm(silent.name()))).doesNotContain(LIMITS_SCOPE);
        } finally {
            for (String name : List.of(asking.name(), silent.name())) {
                keycloak.getKeycloakAdminClient().realm(name).remove();
            }
        }
    }

    private static void askForLimitsScope(RealmResource realm) {
        RealmRepresentation rep = realm.toRepresentation();
        Map<String, String> attributes = new HashMap<>(rep.getAttributes() == null ? Map.of() : rep.getAttributes());
        attributes.put("inference.limits.clientScope", "true");
        rep.setAttributes(attributes);
        realm.update(rep);
    }

    private static List<String> scopeNames(RealmResource realm) {
        return realm.clientScopes().findAll().stream().map(ClientScopeRepresentation::getName).toList();
    }

    @Test
    @DisplayName("after dropping our tables and changelog, a start re-creates them with the cascade; reindex restores "
            + "the keys; a gateway whose feed cursor is beyond the new table's ids is reset and reads the new entries")
    void dropAndRecreate(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        String key = api.mint(api.login(TestUsers.create(realm, "reindexed")), "restored");
        UserRepresentation person = TestUsers.create(realm, "rebaselined");
        UserRepresentation bystander = TestUsers.create(realm, "bystander");
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            // Old, settled entries, so that the gateway's starting cursor is well beyond the ids the
            // re-created table will hand out.
            RevocationFeedEdgesIT.append(db, "upgrade-scenario", List.of("old000000001", "old000000002", "old000000003",
                    "old000000004", "old000000005"), Instant.now().getEpochSecond() - 3600);
            assertThat(db.count("SELECT MAX(ID) FROM PROJECT_API_KEY_REVOCATION")).isGreaterThanOrEqualTo(5);
        }

        try (GatewayUnderTest gateway = new GatewayUnderTest(keycloak, Map.of())) {
            gateway.oneRevocationRound(); // its cursor: at least the old entries' ids

            keycloak.stop();
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                db.execute("DROP TABLE PROJECT_API_KEY");
                db.execute("DROP TABLE PROJECT_API_KEY_REVOCATION");
                db.execute("DROP TABLE " + CHANGELOG_TABLE);
            }
            keycloak.start();

            assertThat(api.isActive(key)).as("the credential exists, but the index is empty").isFalse();
            int added = given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                    .post(keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys/reindex")
                    .then().statusCode(200).extract().path("added");
            assertThat(added).isPositive();
            assertThat(api.isActive(key)).isTrue();
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                assertThat(db.deleteRule("PROJECT_API_KEY", "CREDENTIAL_ID")).isEqualTo(DatabaseMetaData.importedKeyCascade);
            }

            String jwt = BrowserLogin.webUi(keycloak).login(person.getUsername(), TestUsers.PASSWORD).accessToken();
            String otherJwt = BrowserLogin.webUi(keycloak).login(bystander.getUsername(), TestUsers.PASSWORD).accessToken();
            assertThat(gateway.status(jwt)).isEqualTo(200);
            var users = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM).users(); // a new admin client since the restart
            UserRepresentation disabled = users.get(person.getId()).toRepresentation();
            disabled.setEnabled(false);
            users.get(person.getId()).update(disabled); // the new table's first entries
            gateway.oneRevocationRound();
            assertThat(gateway.status(jwt)).as("the disabled user's token, refused once the gateway reads the entry")
                    .isEqualTo(401);
            assertThat(gateway.status(otherJwt)).as("control: another user's token of the same age still works").isEqualTo(200);
        }
    }

    @Test
    @DisplayName("reindex needs manage-users (401 without a token, 403 with a user's token) and, with nothing missing, adds nothing")
    void reindexNeedsAdmin(KeycloakServer keycloak) {
        String reindex = keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys/reindex";
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        String key = api.mint(api.login(TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM),
                "indexed")), "indexed");
        given().post(reindex).then().statusCode(401);
        given().auth().oauth2(api.login(TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "plain")))
                .post(reindex).then().statusCode(403);

        given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString())
                .post(reindex).then().statusCode(200).body("added", org.hamcrest.Matchers.equalTo(0));
        assertThat(api.isActive(key)).isTrue();
    }
}
