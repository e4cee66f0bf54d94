package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.Waiting.until;

import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.it.apikeys.KeycloakDb;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Revocations no key entry of the feed names, against the real Keycloak. Realm-wide changes put a
 * {@code recheck_all} entry on the feed, so the next round re-checks every cached key: the default
 * gateway (full re-check every 5 min) must refuse such keys after one round, so these tests fail if
 * the feed-driven re-check breaks. What no entry names at all (the database edited behind Keycloak's
 * back) only the periodic full re-check finds: a second gateway re-checks everything every second.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The gateway's re-check finds revocations no key entry of the feed names")
class GatewayRecheckIT {

    /** The full re-check interval (1 s here) plus a round; generous for a busy CI machine. */
    private static final Duration UNATTENDED_LIMIT = Duration.ofSeconds(30);

    static KeycloakServer keycloak;
    static GatewayUnderTest gateway;
    static GatewayUnderTest fullRecheckEverySecond;

    @BeforeAll
    static void start(KeycloakServer server) {
        keycloak = server;
        gateway = new GatewayUnderTest(server, Map.of());
        fullRecheckEverySecond = new GatewayUnderTest(server, Map.of("GATEWAY_REVOCATION_FULL_RECHECK_INTERVAL", "1s"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (fullRecheckEverySecond != null) {
            fullRecheckEverySecond.close();
        }
    }

    static RealmResource realm() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    static String login(UserRepresentation user) {
        return org.inferenceauth.testkit.BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .login(user.getUsername(), TestUsers.PASSWORD).accessToken();
    }

    static String mint(String token, String project) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("name", "key-" + System.nanoTime(), "project", project))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(201).extract().path("key");
    }

    static String cursor() {
        return gatewayCall().get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/revocations")
                .then().statusCode(200).extract().path("cursor");
    }

    static List<String> feedSubjects(String cursor) {
        return gatewayCall().queryParam("since", cursor).get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/revocations")
                .then().statusCode(200).extract().jsonPath().getList("events.sub");
    }

    static List<String> feedTypes(String cursor) {
        return gatewayCall().queryParam("since", cursor).get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/revocations")
                .then().statusCode(200).extract().jsonPath().getList("events.type");
    }

    static io.restassured.specification.RequestSpecification gatewayCall() {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
    }

    @Test
    @DisplayName("a whole project group deleted (a recheck_all entry, none for the member): the key of a member is refused "
            + "after one round")
    void projectGroupDeleted() throws Exception {
        String project = "recheck-" + UUID.randomUUID().toString().substring(0, 8);
        GroupRepresentation group = new GroupRepresentation();
        group.setName(project);
        String groupId;
        try (Response response = realm().groups().group(realm().getGroupByPath("/projects").getId()).subGroup(group)) {
            groupId = CreatedResponseUtil.getCreatedId(response);
        }
        UserRepresentation user = TestUsers.create(realm(), "member");
        realm().users().get(user.getId()).joinGroup(groupId);
        String key = mint(login(user), project);
        assertThat(gateway.status(key)).as("served and cached").isEqualTo(200);
        String cursor = cursor();

        realm().groups().group(groupId).remove();
        gateway.oneRevocationRound();

        assertThat(feedSubjects(cursor)).as("the feed names nothing for the member").doesNotContain(user.getId());
        assertThat(feedTypes(cursor)).contains("recheck_all");
        assertThat(gateway.status(key)).isEqualTo(401);
    }

    @Test
    @DisplayName("the required role taken from the group that alone granted it (recheck_all): the member's key is refused "
            + "after one round")
    void roleTakenFromGroup() throws Exception {
        GroupRepresentation group = new GroupRepresentation();
        group.setName("granting-" + UUID.randomUUID().toString().substring(0, 8));
        String groupId;
        try (Response response = realm().groups().add(group)) {
            groupId = CreatedResponseUtil.getCreatedId(response);
        }
        var inferenceUser = realm().roles().get("inference-user").toRepresentation();
        realm().groups().group(groupId).roles().realmLevel().add(List.of(inferenceUser));
        UserRepresentation user = TestUsers.create(realm(), "grouped");
        realm().users().get(user.getId()).joinGroup(groupId);
        String key = mint(login(user), "personal");
        realm().users().get(user.getId()).roles().realmLevel()
                .remove(List.of(realm().roles().get("default-roles-" + TestRealm.REALM).toRepresentation()));
        assertThat(gateway.status(key)).as("served and cached: the group grants the role").isEqualTo(200);

        realm().groups().group(groupId).roles().realmLevel().remove(List.of(inferenceUser));
        gateway.oneRevocationRound();

        assertThat(gateway.status(key)).isEqualTo(401);
    }

    @Test
    @DisplayName("the required role taken out of the realm's default roles (recheck_all): a key is refused after one round "
            + "(the role is put back at once)")
    void roleTakenFromDefaultRoles() throws Exception {
        UserRepresentation user = TestUsers.create(realm(), "defaulted");
        String key = mint(login(user), "personal");
        assertThat(gateway.status(key)).as("served and cached").isEqualTo(200);
        var defaults = realm().roles().get("default-roles-" + TestRealm.REALM);
        var inferenceUser = realm().roles().get("inference-user").toRepresentation();
        try {
            defaults.deleteComposites(List.of(inferenceUser));
            gateway.oneRevocationRound();
            assertThat(gateway.status(key)).isEqualTo(401);
        } finally {
            defaults.addComposites(List.of(inferenceUser));
        }
    }

    @Test
    @DisplayName("a key revoked behind Keycloak's back (its credential row deleted in the database: no feed entry is "
            + "ever written) is refused after the periodic full re-check (here every 1 s; asserted generously)")
    void feedEntryMissed() throws Exception {
        UserRepresentation user = TestUsers.create(realm(), "missed");
        String key = mint(login(user), "personal");
        String keyId = key.substring(3, 15);
        assertThat(fullRecheckEverySecond.status(key)).as("served and cached").isEqualTo(200);
        String cursor = cursor();

        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM CREDENTIAL WHERE ID = ?", keyId)).as("the key's credential before").isEqualTo(1);
            db.execute("DELETE FROM CREDENTIAL WHERE ID = ?", keyId); // the index row goes with it (cascade)
        }

        until("a key revoked without a feed entry refused by the periodic full re-check",
                () -> fullRecheckEverySecond.status(key) == 401, UNATTENDED_LIMIT);
        assertThat(feedSubjects(cursor)).as("the feed never named it").doesNotContain(user.getId());
    }
}
