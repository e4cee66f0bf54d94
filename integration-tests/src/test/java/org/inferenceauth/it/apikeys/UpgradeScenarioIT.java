package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DatabaseMetaData;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Our foreign key points into Keycloak's CREDENTIAL table; a future Keycloak migration of that
 * table might need it out of the way. These restarts prove the way back: Keycloak starts on an
 * existing database with our tables, and after our tables and changelog are dropped Liquibase
 * re-creates them, and the index is restored from the credentials.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Upgrade-like restarts of Keycloak on an existing database")
class UpgradeScenarioIT {

    static final String CHANGELOG_TABLE = "DATABASECHANGELOG_APIKEYS_ST";

    @Test
    @DisplayName("a restart keeps keys valid and does not re-run our changelog")
    void restart(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        String key = api.mint(api.login(TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM),
                "restart")), "survivor");

        keycloak.stop();
        keycloak.start();

        assertThat(api.isActive(key)).isTrue();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM " + CHANGELOG_TABLE)).as("our two change sets, run once").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("after dropping our tables and changelog, a start re-creates them with the cascade; reindex restores the keys")
    void dropAndRecreate(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        String key = api.mint(api.login(TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM),
                "reindexed")), "restored");

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
    }

    @Test
    @DisplayName("reindex needs manage-users: 401 without a token")
    void reindexNeedsAdmin(KeycloakServer keycloak) {
        given().post(keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys/reindex")
                .then().statusCode(401);
    }
}
