package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
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
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Realm admins see and revoke every key at /admin/realms/{realm}/api-keys")
class AdminApiKeysIT {

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation owner;
    private String key;

    @BeforeEach
    void keyOfSomeone(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        owner = TestUsers.create(realm, "owner");
        key = api.mint(api.login(owner), "admin-visible");
    }

    private String adminBase() {
        return keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM + "/api-keys";
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString());
    }

    /** An admin-console token of a realm user holding the given realm-management roles. */
    private String realmUserWith(String... roles) {
        UserRepresentation staff = TestUsers.create(realm, "staff");
        String managementId = realm.clients().findByClientId("realm-management").get(0).getId();
        List<RoleRepresentation> grants = java.util.Arrays.stream(roles)
                .map(r -> realm.clients().get(managementId).roles().get(r).toRepresentation()).toList();
        realm.users().get(staff.getId()).roles().clientLevel(managementId).add(grants);
        return adminConsoleLogin(staff);
    }

    /** Logs in to the realm's admin console client, as a realm admin does in the browser. */
    private String adminConsoleLogin(UserRepresentation user) {
        String issuer = keycloak.getIssuer(TestRealm.REALM);
        return new BrowserLogin(issuer, "security-admin-console", null,
                keycloak.getAuthServerUrl() + "/admin/" + TestRealm.REALM + "/console/")
                .login(user.getUsername(), TestUsers.PASSWORD).accessToken();
    }

    @Nested
    @DisplayName("search")
    class Search {

        @Test
        @DisplayName("by key id: the key with its owner and creating client, never a secret")
        void byKeyId() {
            JsonPath found = asAdmin().queryParam("keyId", key.substring(3, 15)).get(adminBase())
                    .then().statusCode(200).extract().jsonPath();
            assertThat(found.getList("keys")).hasSize(1);
            assertThat(found.getString("keys[0].keyId")).isEqualTo(key.substring(3, 15));
            assertThat(found.getString("keys[0].name")).isEqualTo("admin-visible");
            assertThat(found.getString("keys[0].userId")).isEqualTo(owner.getId());
            assertThat(found.getString("keys[0].username")).isEqualTo(owner.getUsername());
            assertThat(found.getString("keys[0].createdBy")).isEqualTo(TestRealm.ACCOUNT_CONSOLE_CLIENT);
            assertThat(found.prettify()).doesNotContain(key.substring(15));
        }

        @Test
        @DisplayName("by user (id or username), by name substring, by project")
        void byOtherCriteria() {
            api.mint(api.login(TestUsers.create(realm, "someone-else")), "admin-visible");
            asAdmin().queryParam("user", owner.getId()).get(adminBase()).then().statusCode(200)
                    .body("keys.size()", equalTo(1));
            asAdmin().queryParam("user", owner.getUsername()).get(adminBase()).then().statusCode(200)
                    .body("keys[0].userId", equalTo(owner.getId()));
            asAdmin().queryParam("user", owner.getUsername()).queryParam("name", "VISIBLE").get(adminBase())
                    .then().statusCode(200).body("keys.size()", equalTo(1));
            asAdmin().queryParam("user", owner.getUsername()).queryParam("project", "personal").get(adminBase())
                    .then().statusCode(200).body("keys.size()", equalTo(1));
            asAdmin().queryParam("user", owner.getUsername()).queryParam("project", "no-such-project").get(adminBase())
                    .then().statusCode(200).body("keys.size()", equalTo(0));
            asAdmin().queryParam("user", "nobody-at-all").get(adminBase()).then().statusCode(200)
                    .body("keys.size()", equalTo(0));
        }

        @Test
        @DisplayName("paging limits are checked: 400 for max out of range or a page parameter that is not a number")
        void paging() {
            asAdmin().queryParam("max", 0).get(adminBase()).then().statusCode(400);
            asAdmin().queryParam("first", "abc").get(adminBase()).then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
            asAdmin().queryParam("max", 1).get(adminBase()).then().statusCode(200).body("keys.size()", equalTo(1));
        }

        @Test
        @DisplayName("the Credentials tab's listing shows the same key, with its public data")
        void credentialsTab() {
            var credential = realm.users().get(owner.getId()).credentials().stream()
                    .filter(c -> "project-api-key".equals(c.getType())).findFirst().orElseThrow();
            assertThat(credential.getUserLabel()).isEqualTo("admin-visible");
            assertThat(credential.getCredentialData()).contains(key.substring(3, 15)).contains("personal")
                    .doesNotContain(key.substring(15));
        }
    }

    @Nested
    @DisplayName("revoke")
    class Revoke {

        @Test
        @DisplayName("DELETE /{keyId}: the key is inactive, gone from the search, and in the feed")
        void revoke() {
            String cursor = api.cursor();
            asAdmin().delete(adminBase() + "/" + key.substring(3, 15)).then().statusCode(204);

            assertThat(api.isActive(key)).isFalse();
            asAdmin().queryParam("keyId", key.substring(3, 15)).get(adminBase()).then().body("keys.size()", equalTo(0));
            assertThat(api.eventsFor(cursor, owner.getId()))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", key.substring(3, 15), "sub", owner.getId()));
        }

        @Test
        @DisplayName("an unknown key id is 404")
        void unknown() {
            asAdmin().delete(adminBase() + "/000000000000").then().statusCode(404);
        }
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {

        @Test
        @DisplayName("no token: 401 on search and revoke")
        void noToken() {
            given().get(adminBase()).then().statusCode(401);
            given().delete(adminBase() + "/" + key.substring(3, 15)).then().statusCode(401);
        }

        @Test
        @DisplayName("a realm user without admin roles: 403, and the key stays active")
        void plainUser() {
            String userToken = adminConsoleLogin(TestUsers.create(realm, "plain"));
            given().auth().oauth2(userToken).get(adminBase()).then().statusCode(403);
            given().auth().oauth2(userToken).delete(adminBase() + "/" + key.substring(3, 15)).then().statusCode(403);
            assertThat(api.isActive(key)).isTrue();
        }

        @Test
        @DisplayName("view-users may search but not revoke; manage-users may revoke")
        void viewVersusManage() {
            String viewer = realmUserWith("view-users");
            given().auth().oauth2(viewer).queryParam("keyId", key.substring(3, 15)).get(adminBase())
                    .then().statusCode(200).body("keys.size()", equalTo(1));
            given().auth().oauth2(viewer).delete(adminBase() + "/" + key.substring(3, 15)).then().statusCode(403);
            assertThat(api.isActive(key)).isTrue();

            String manager = realmUserWith("view-users", "manage-users");
            given().auth().oauth2(manager).delete(adminBase() + "/" + key.substring(3, 15)).then().statusCode(204);
            assertThat(api.isActive(key)).isFalse();
        }
    }
}
