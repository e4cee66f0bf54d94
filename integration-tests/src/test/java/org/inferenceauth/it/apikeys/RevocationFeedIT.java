package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            assertThat(api.eventsFor(cursor, user.getId()))
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
            assertThat(api.eventsFor(cursor, user.getId()))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }

        @Test
        @DisplayName("deletion in the account console: its Delete button runs kc_action=delete_credential:<id>")
        void accountConsoleAction() {
            BrowserLogin browser = BrowserLogin.accountConsole(keycloak, TestRealm.REALM);
            String consoleToken = browser.login(user.getUsername(), TestUsers.PASSWORD).accessToken();
            String key = api.mint(consoleToken, "console-deleted");
            String cursor = api.cursor();

            assertThat(deleteThroughAccountConsoleAction(browser, keyId(key))).contains("kc_action_status=success");

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsFor(cursor, user.getId()))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }

        @Test
        @DisplayName("deletion through the deprecated account REST API")
        void accountConsole() {
            String key = api.mint(token, "account-deleted");
            String cursor = api.cursor();

            given().auth().oauth2(token).accept("application/json").delete(keycloak.getIssuer(TestRealm.REALM) + "/account/credentials/" + keyId(key))
                    .then().statusCode(204);

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsFor(cursor, user.getId()))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }
    }

    /**
     * What the account console's Delete button does: an authorization request with
     * {@code kc_action=delete_credential:<id>}; the SSO session skips the login, Keycloak shows its
     * confirmation page, submitting it deletes. Returns the final redirect to the console.
     */
    private String deleteThroughAccountConsoleAction(BrowserLogin browser, String credentialId) {
        String issuer = keycloak.getIssuer(TestRealm.REALM);
        String authorize = issuer + "/protocol/openid-connect/auth?client_id=account-console&response_type=code"
                + "&scope=openid&state=delete&redirect_uri=" + URLEncoder.encode(issuer + "/account/", StandardCharsets.UTF_8)
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                + "&kc_action=delete_credential:" + credentialId;
        HttpResponse<String> redirect = browser.get(URI.create(authorize));
        assertThat(redirect.statusCode()).isEqualTo(302);
        HttpResponse<String> confirmation = browser.get(URI.create(redirect.headers().firstValue("Location").orElseThrow()));
        assertThat(confirmation.statusCode()).isEqualTo(200);
        Matcher form = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"").matcher(confirmation.body());
        assertThat(form.find()).as("the confirmation page has a form").isTrue();
        HttpResponse<String> done = browser.post(URI.create(form.group(1).replace("&amp;", "&")), Map.of());
        assertThat(done.statusCode()).isEqualTo(302);
        return done.headers().firstValue("Location").orElseThrow();
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

            assertThat(api.eventsFor(cursor, user.getId())).containsExactly(Map.of("type", "user_disabled", "sub", user.getId()));
        }

        @Test
        @DisplayName("an update that leaves the user enabled yields nothing")
        void otherUpdate() {
            String cursor = api.cursor();
            UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
            rep.setFirstName("Renamed");
            realm.users().get(user.getId()).update(rep);

            assertThat(api.eventsFor(cursor, user.getId())).isEmpty();
        }

        @Test
        @DisplayName("a client role that carried inference-user taken from the user: their key goes inactive, key_revoked")
        void clientRoleRemoved() {
            org.keycloak.representations.idm.ClientRepresentation client = new org.keycloak.representations.idm.ClientRepresentation();
            client.setClientId("granting-" + java.util.UUID.randomUUID().toString().substring(0, 8));
            String clientId;
            try (jakarta.ws.rs.core.Response response = realm.clients().create(client)) {
                clientId = org.keycloak.admin.client.CreatedResponseUtil.getCreatedId(response);
            }
            org.keycloak.representations.idm.RoleRepresentation grant = new org.keycloak.representations.idm.RoleRepresentation();
            grant.setName("grant");
            realm.clients().get(clientId).roles().create(grant);
            org.keycloak.admin.client.resource.RoleResource grantRole = realm.clients().get(clientId).roles().get("grant");
            grantRole.addComposites(List.of(realm.roles().get("inference-user").toRepresentation()));
            var owner = realm.users().get(user.getId());
            owner.roles().clientLevel(clientId).add(List.of(grantRole.toRepresentation()));
            String key = api.mint(token, "k");
            owner.roles().realmLevel().remove(List.of(realm.roles().get("default-roles-" + TestRealm.REALM).toRepresentation()));
            assertThat(api.isActive(key)).as("still active: the client role carries inference-user").isTrue();
            String cursor = api.cursor();

            owner.roles().clientLevel(clientId).remove(List.of(grantRole.toRepresentation()));

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsFor(cursor, user.getId()))
                    .containsExactly(Map.of("type", "key_revoked", "key_id", keyId(key), "sub", user.getId()));
        }

        @Test
        @DisplayName("deleting a user yields user_deleted and their keys go inactive")
        void deleted() {
            String key = api.mint(token, "k");
            String cursor = api.cursor();
            realm.users().delete(user.getId()).close();

            assertThat(api.isActive(key)).isFalse();
            assertThat(api.eventsFor(cursor, user.getId())).containsExactly(Map.of("type", "user_deleted", "sub", user.getId()));
        }
    }

    @Nested
    @DisplayName("changes that may stop many users' keys at once yield one recheck_all entry (no key, no user)")
    class RealmWide {

        private boolean announced(String cursor) {
            return api.eventsSince(cursor).stream().anyMatch(e -> "recheck_all".equals(e.get("type")) && !e.containsKey("sub"));
        }

        private String group(String name) {
            org.keycloak.representations.idm.GroupRepresentation group = new org.keycloak.representations.idm.GroupRepresentation();
            group.setName(name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
            try (jakarta.ws.rs.core.Response response = realm.groups().add(group)) {
                return org.keycloak.admin.client.CreatedResponseUtil.getCreatedId(response);
            }
        }

        private org.keycloak.representations.idm.RoleRepresentation role(String name) {
            String unique = name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            org.keycloak.representations.idm.RoleRepresentation role = new org.keycloak.representations.idm.RoleRepresentation();
            role.setName(unique);
            realm.roles().create(role);
            return realm.roles().get(unique).toRepresentation();
        }

        @Test
        @DisplayName("a group deleted")
        void groupDeleted() {
            String id = group("gone");
            String cursor = api.cursor();
            realm.groups().group(id).remove();
            assertThat(announced(cursor)).isTrue();
        }

        @Test
        @DisplayName("a realm role taken from a group")
        void groupRoleRemoved() {
            String id = group("granting");
            org.keycloak.representations.idm.RoleRepresentation inferenceUser = realm.roles().get("inference-user").toRepresentation();
            realm.groups().group(id).roles().realmLevel().add(List.of(inferenceUser));
            String cursor = api.cursor();
            realm.groups().group(id).roles().realmLevel().remove(List.of(inferenceUser));
            assertThat(announced(cursor)).isTrue();
        }

        @Test
        @DisplayName("a role taken out of a composite (as out of the realm's default roles)")
        void compositeChanged() {
            org.keycloak.representations.idm.RoleRepresentation parent = role("parent");
            org.keycloak.representations.idm.RoleRepresentation child = role("child");
            realm.rolesById().addComposites(parent.getId(), List.of(child));
            String cursor = api.cursor();
            realm.rolesById().deleteComposites(parent.getId(), List.of(child));
            assertThat(announced(cursor)).isTrue();
        }

        @Test
        @DisplayName("a realm role deleted")
        void roleDeleted() {
            org.keycloak.representations.idm.RoleRepresentation role = role("deleted");
            String cursor = api.cursor();
            realm.roles().deleteRole(role.getName());
            assertThat(announced(cursor)).isTrue();
        }

        @Test
        @DisplayName("a client deleted (its roles go with it)")
        void clientDeleted() {
            org.keycloak.representations.idm.ClientRepresentation client = new org.keycloak.representations.idm.ClientRepresentation();
            client.setClientId("gone-" + java.util.UUID.randomUUID().toString().substring(0, 8));
            String id;
            try (jakarta.ws.rs.core.Response response = realm.clients().create(client)) {
                id = org.keycloak.admin.client.CreatedResponseUtil.getCreatedId(response);
            }
            String cursor = api.cursor();
            realm.clients().get(id).remove();
            assertThat(announced(cursor)).isTrue();
        }

        @Test
        @DisplayName("the realm's settings updated (its required role and projects group are realm attributes)")
        void realmUpdated() {
            org.keycloak.representations.idm.RealmRepresentation rep = realm.toRepresentation();
            String cursor = api.cursor();
            realm.update(rep);
            assertThat(announced(cursor)).isTrue();
        }
    }

    @Nested
    @DisplayName("the cursor")
    class Cursor {

        @Test
        @DisplayName("without since: a cursor and no events; once an entry has settled (2 s) the cursor moves past it")
        void paging() throws Exception {
            api.revocations(null).then().statusCode(200).body("events", org.hamcrest.Matchers.empty());
            String cursor = api.cursor();
            String first = api.mint(token, "one");
            String second = api.mint(token, "two");
            api.revoke(token, keyId(first)).then().statusCode(204);
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                age(db, keyId(first), -3600); // settled by its own time, however slow this machine is
            }

            String next = api.revocations(cursor).then().statusCode(200).extract().path("cursor");
            assertThat(Long.parseLong(next)).isGreaterThan(Long.parseLong(cursor));
            api.revoke(token, keyId(second)).then().statusCode(204);

            assertThat(api.eventsFor(next, user.getId())).extracting(e -> e.get("key_id")).containsExactly(keyId(second));
        }

        @Test
        @DisplayName("an entry younger than 2 s is delivered again on the next poll (at-least-once), so a late commit is "
                + "never skipped; once settled, the cursor passes it")
        void replaysRecentEntries() throws Exception {
            String key = api.mint(token, "replayed");
            String cursor = api.cursor();
            api.revoke(token, keyId(key)).then().statusCode(204);
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                // The entry's age decides, not how fast this machine polls: an hour ahead, it stays recent.
                age(db, keyId(key), 3600);
                String next = api.revocations(cursor).then().statusCode(200).extract().path("cursor");
                assertThat(api.eventsFor(next, user.getId())).as("replayed from the returned cursor")
                        .extracting(e -> e.get("key_id")).containsExactly(keyId(key));

                age(db, keyId(key), -7200);
                String settled = api.revocations(cursor).then().statusCode(200).extract().path("cursor");
                assertThat(api.eventsFor(settled, user.getId())).as("settled: not delivered again").isEmpty();
            }
        }

        /**
         * Moves the creation time of the realm's entries up to this key's entry by {@code seconds}
         * (entries of earlier tests included, so none of them holds the cursor back).
         */
        private void age(KeycloakDb db, String keyId, long seconds) throws Exception {
            db.execute("UPDATE PROJECT_API_KEY_REVOCATION SET CREATED_AT = CREATED_AT + ? WHERE REALM_ID = ?"
                    + " AND ID <= (SELECT MAX(ID) FROM PROJECT_API_KEY_REVOCATION WHERE KEY_ID = ?)",
                    seconds, realm.toRepresentation().getId(), keyId);
        }

        @Test
        @DisplayName("a malformed, negative or too large cursor is 400 invalid_request")
        void malformed() {
            for (String notACursor : List.of("yesterday", "-1", "99999999999999999999", "1e3")) {
                api.revocations(notACursor).then().statusCode(400).body("error", equalTo("invalid_request"));
            }
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
