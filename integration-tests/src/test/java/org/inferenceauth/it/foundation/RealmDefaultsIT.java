package org.inferenceauth.it.foundation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import jakarta.ws.rs.core.Response;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.RoleResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("The realm's defaults are safe for production")
class RealmDefaultsIT {

    /** The production realm file, as the build hands it to the server under test. */
    static JsonNode productionRealmFile() throws Exception {
        String first = System.getProperty("keycloak.realm-imports").split(File.pathSeparator)[0];
        return new ObjectMapper().readTree(Path.of(first).toFile());
    }

    static List<String> clientIds(JsonNode realm) {
        return StreamSupport.stream(realm.path("clients").spliterator(), false).map(c -> c.path("clientId").asText()).toList();
    }

    @Test
    @DisplayName("the demo client example-service is not in the production realm file, only in the dev overlay the tests apply")
    void exampleServiceIsDevOnly(KeycloakServer keycloak) throws Exception {
        JsonNode realm = productionRealmFile();
        assertThat(clientIds(realm)).contains(TestRealm.GATEWAY_CLIENT).doesNotContain(TestRealm.EXAMPLE_SERVICE_CLIENT);
        assertThat(realm.toString()).doesNotContain("EXAMPLE_SERVICE");
        assertThat(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM).clients()
                .findByClientId(TestRealm.EXAMPLE_SERVICE_CLIENT)).as("applied by the dev overlay").hasSize(1);
    }

    @Test
    @DisplayName("admin-cli takes no passwords in this realm (400 unauthorized_client), while the browser login works")
    void noPasswordGrant(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "password-grant");

        given().formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", user.getUsername()).formParam("password", TestUsers.PASSWORD)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.equalTo("unauthorized_client"));
        assertThat(BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD).accessToken()).isNotBlank();
    }

    @Test
    @DisplayName("a new user holds inference-user through the default roles, so nothing changes for a fresh site")
    void inferenceUserIsADefaultRole(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "newcomer");

        assertThat(realm.users().get(user.getId()).roles().realmLevel().listEffective())
                .extracting(RoleRepresentation::getName).contains(TestRealm.INFERENCE_USER_ROLE);
    }

    @Test
    @DisplayName("an operator takes inference-user out of the default roles and grants it by group: leaving the group ends the member's keys")
    void grantedByGroup(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        RoleRepresentation role = realm.roles().get(TestRealm.INFERENCE_USER_ROLE).toRepresentation();
        RoleResource defaults = realm.roles().get("default-roles-" + TestRealm.REALM);
        GroupRepresentation group = new GroupRepresentation();
        group.setName("institution-" + System.nanoTime());
        String groupId;
        try (Response created = realm.groups().add(group)) {
            groupId = CreatedResponseUtil.getCreatedId(created);
        }
        realm.groups().group(groupId).roles().realmLevel().add(List.of(role));
        UserRepresentation member = TestUsers.create(realm, "member");
        UserRepresentation outsider = TestUsers.create(realm, "outsider");
        realm.users().get(member.getId()).joinGroup(groupId);
        String memberKey = mint(keycloak, member);
        String outsiderKey = mint(keycloak, outsider);
        String cursor = gateway().get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/revocations")
                .then().statusCode(200).extract().path("cursor");

        defaults.deleteComposites(List.of(role));
        try {
            assertThat(active(keycloak, memberKey)).as("a member holds the role through the group").isTrue();
            assertThat(active(keycloak, outsiderKey)).as("without the default role nor the group").isFalse();

            realm.users().get(member.getId()).leaveGroup(groupId);

            assertThat(active(keycloak, memberKey)).isFalse();
            List<Map<String, String>> events = gateway().queryParam("since", cursor)
                    .get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/revocations")
                    .then().statusCode(200).extract().jsonPath().getList("events");
            assertThat(events).contains(Map.of("type", "key_revoked", "key_id", memberKey.substring(3, 15), "sub", member.getId()));
        } finally {
            defaults.addComposites(List.of(role));
            realm.groups().group(groupId).remove();
        }
        assertThat(active(keycloak, outsiderKey)).as("the default role again").isTrue();
    }

    static io.restassured.specification.RequestSpecification gateway() {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).accept(ContentType.JSON);
    }

    static boolean active(KeycloakServer keycloak, String key) {
        return gateway().contentType(ContentType.URLENC).formParam("token", key)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/introspect")
                .then().statusCode(200).extract().path("active");
    }

    static String mint(KeycloakServer keycloak, UserRepresentation user) {
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", "k"))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(201).extract().path("key");
    }
}
