package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

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
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Gateways learn of revocations from the feed at /api-keys/revocations")
class RevocationFeedIT {

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
        user = TestUsers.create(realm, "revoker");
        token = api.login(user);
    }

    private static String keyId(String key) {
        return key.substring(3, 15);
    }

    @Nested
    @DisplayName("every way of revoking a key makes it inactive and yields a key_revoked entry")
    class KeyRevoked {

        @Test
        @DisplayName("revocation through our REST API")
        void ownApi() {
            String key = api.mint(token, "rest");
            String cursor = api.cursor();
            api.revoke(token, keyId(key)).then().statusCode(204);

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsSince(cursor))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }

        @Test
        @DisplayName("deletion in the admin console (admin REST credential delete)")
        void adminConsole() {
            String key = api.mint(token, "admin-deleted");
            String other = api.mint(token, "kept");
            String cursor = api.cursor();
            CredentialRepresentation credential = realm.users().get(user.getId()).credentials().stream()
                    .filter(c -> "admin-deleted".equals(c.getUserLabel())).findFirst().orElseThrow();
            assertThat(credential.getType()).isEqualTo("project-api-key");
            assertThat(credential.getSecretData()).as("the admin console never sees secret data").isNull();

            realm.users().get(user.getId()).removeCredential(credential.getId());

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.isActive(other)).isTrue();
            assertThat(api.eventsSince(cursor))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }

        @Test
        @DisplayName("deletion through the account REST API (what the account console's delete does)")
        void accountConsole() {
            String key = api.mint(token, "account-deleted");
            String cursor = api.cursor();

            given().auth().oauth2(token).accept("application/json").delete(keycloak.getIssuer(TestRealm.REALM) + "/account/credentials/" + keyId(key))
                    .then().statusCode(204);

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsSince(cursor))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }
    }

    @Nested
    @DisplayName("user changes")
    class Users {

        @Test
        @DisplayName("disabling a user yields user_disabled")
        void disabled() {
            api.mint(token, "k");
            String cursor = api.cursor();
            UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
            rep.setEnabled(false);
            realm.users().get(user.getId()).update(rep);

            assertThat(api.eventsSince(cursor)).containsExactly(Map.of("type", "user_disabled", "sub", user.getId()));
        }

        @Test
        @DisplayName("an update that leaves the user enabled yields nothing")
        void otherUpdate() {
            String cursor = api.cursor();
            UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
            rep.setFirstName("Renamed");
            realm.users().get(user.getId()).update(rep);

            assertThat(api.eventsSince(cursor)).isEmpty();
        }

        @Test
        @DisplayName("deleting a user yields user_deleted and their keys go inactive")
        void deleted() {
            String key = api.mint(token, "k");
            String cursor = api.cursor();
            realm.users().delete(user.getId()).close();

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsSince(cursor)).containsExactly(Map.of("type", "user_deleted", "sub", user.getId()));
        }
    }

    @Nested
    @DisplayName("the cursor")
    class Cursor {

        @Test
        @DisplayName("without since: the current cursor and no events; paging resumes after the last entry")
        void paging() {
            api.revocations(null).then().statusCode(200).body("events", org.hamcrest.Matchers.empty());
            String cursor = api.cursor();
            String first = api.mint(token, "one");
            String second = api.mint(token, "two");
            api.revoke(token, keyId(first)).then().statusCode(204);

            String next = api.revocations(cursor).then().statusCode(200).extract().path("cursor");
            assertThat(Long.parseLong(next)).isGreaterThan(Long.parseLong(cursor));
            api.revoke(token, keyId(second)).then().statusCode(204);

            assertThat(api.eventsSince(next)).extracting(e -> e.get("key_id")).containsExactly(keyId(second));
        }

        @Test
        @DisplayName("a malformed cursor is 400 invalid_request")
        void malformed() {
            api.revocations("yesterday").then().statusCode(400).body("error", equalTo("invalid_request"));
        }
    }

    @Nested
    @DisplayName("the batch re-check")
    class Check {

        @Test
        @DisplayName("names the ids that are no longer active, for any reason")
        void check() {
            String active = api.mint(token, "active");
            String revoked = api.mint(token, "revoked");
            api.revoke(token, keyId(revoked)).then().statusCode(204);

            api.check(List.of(keyId(active), keyId(revoked), "neverIssued0")).then().statusCode(200)
                    .body("inactive", org.hamcrest.Matchers.containsInAnyOrder(keyId(revoked), "neverIssued0"));
        }

        @Test
        @DisplayName("a malformed body is 400 invalid_request")
        void malformed() {
            api.asGateway().contentType("application/json").body("{\"key_ids\":\"x\"}")
                    .post(api.base() + "/revocations/check").then().statusCode(400).body("error", equalTo("invalid_request"));
        }
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {

        @Test
        @DisplayName("no client credentials: 401 on the feed and on the re-check")
        void noCredentials() {
            given().get(api.base() + "/revocations").then().statusCode(401);
            given().contentType("application/json").body(Map.of("key_ids", List.of()))
                    .post(api.base() + "/revocations/check").then().statusCode(401);
        }

        @Test
        @DisplayName("a client without the introspector role: 403")
        void withoutRole() {
            given().auth().preemptive().basic(TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET)
                    .get(api.base() + "/revocations").then().statusCode(403);
        }
    }
}
