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
 * Revocations that only the gateway's re-check ({@code revocations/check}) can find, against the real
 * Keycloak: the feed holds nothing for them, so a gateway that stopped re-checking would serve these
 * keys until its cache TTL.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The gateway's re-check finds revocations the feed never names")
class GatewayRecheckIT {

    /** Documented: "within about 2 s" (one 1 s interval plus a round); generous for a busy CI machine. */
    private static final Duration UNATTENDED_LIMIT = Duration.ofSeconds(30);

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

    static io.restassured.specification.RequestSpecification gatewayCall() {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
    }

    @Test
    @DisplayName("a whole project group deleted (no feed entry, by contract): the key of a member is refused after one round")
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
        assertThat(gateway.status(key)).isEqualTo(401);
    }

    @Test
    @DisplayName("a key revoked behind Keycloak's back (its credential row deleted in the database: no feed entry is "
            + "ever written) is refused by the timer's rounds (bound: documented ~2 s, asserted generously, measured)")
    void feedEntryMissed() throws Exception {
        UserRepresentation user = TestUsers.create(realm(), "missed");
        String key = mint(login(user), "personal");
        String keyId = key.substring(3, 15);
        assertThat(gateway.status(key)).as("served and cached").isEqualTo(200);
        String cursor = cursor();

        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM CREDENTIAL WHERE ID = ?", keyId)).as("the key's credential before").isEqualTo(1);
            db.execute("DELETE FROM CREDENTIAL WHERE ID = ?", keyId); // the index row goes with it (cascade)
        }

        until("a key revoked without a feed entry refused by the timer's rounds", () -> gateway.status(key) == 401,
                UNATTENDED_LIMIT);
        assertThat(feedSubjects(cursor)).as("the feed never named it").doesNotContain(user.getId());
    }
}
