package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Keys belong to the personal project or to a project group under /projects the user is in")
class ProjectsIT {

    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;
    private String token;
    private String member;
    private String notMember;
    private String nested;

    @BeforeEach
    void projects(KeycloakServer keycloak) {
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "member");
        member = project("genomics");
        notMember = project("astro");
        nested = project("climate");
        String team = subGroup(realm.getGroupByPath("/projects/" + nested).getId(), "team-a");
        realm.users().get(user.getId()).joinGroup(realm.getGroupByPath("/projects/" + member).getId());
        realm.users().get(user.getId()).joinGroup(team);
        token = api.login(user);
    }

    /** A new project group under /projects; returns its name, the project id. */
    private String project(String name) {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        subGroup(realm.getGroupByPath("/projects").getId(), unique);
        return unique;
    }

    private String subGroup(String parentId, String name) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        try (Response response = realm.groups().group(parentId).subGroup(group)) {
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    @Test
    @DisplayName("GET /projects lists personal first, then the user's projects (also via a sub-group), and the realm's limits")
    void listsProjects() {
        var answer = api.asUser(token).get(api.base() + "/projects").then().statusCode(200).extract().jsonPath();
        List<String> ids = answer.getList("projects.id");
        assertThat(ids).first().isEqualTo("personal");
        assertThat(ids).contains(member, nested).doesNotContain(notMember);
        assertThat(answer.getMap("limits")).isEqualTo(Map.of("maxKeys", 25, "maxLifetimeDays", 365, "expiryRequired", false));
        assertThat(answer.getMap("api")).as("the realm import's ${INFERENCE_API_BASE_URL}, from Keycloak's environment")
                .isEqualTo(Map.of("baseUrl", TestRealm.INFERENCE_API_BASE_URL));
    }

    @Test
    @DisplayName("minting for a project the user is in works and the project shows in introspection")
    void mintsForMemberProject() {
        String key = api.create(token, ApiKeysApi.body("name", "project-key", "project", member))
                .then().statusCode(201).body("project", equalTo(member)).extract().path("key");
        api.introspect(key).then().body("project", equalTo(member));
        api.create(token, ApiKeysApi.body("name", "nested-key", "project", nested)).then().statusCode(201);
    }

    @Test
    @DisplayName("minting for a project the user is not in, or one that does not exist, is 403 project_not_allowed")
    void refusesForeignProject() {
        api.create(token, ApiKeysApi.body("name", "sneaky", "project", notMember))
                .then().statusCode(403).body("error", equalTo("project_not_allowed"));
        api.create(token, ApiKeysApi.body("name", "ghost", "project", "no-such-project"))
                .then().statusCode(403).body("error", equalTo("project_not_allowed"));
        api.create(token, ApiKeysApi.body("name", "outside", "project", "projects"))
                .then().statusCode(403).body("error", equalTo("project_not_allowed"));
    }

    @Test
    @DisplayName("leaving the project's group: its keys go inactive and are announced in the feed; personal keys stay")
    void leavingProject() {
        String projectKey = api.create(token, ApiKeysApi.body("name", "team-key", "project", member))
                .then().statusCode(201).extract().path("key");
        String personalKey = api.mint(token, "own-key");
        String cursor = api.cursor();
        String groupId = realm.getGroupByPath("/projects/" + member).getId();

        realm.users().get(user.getId()).leaveGroup(groupId);

        assertThat(api.isActive(projectKey)).isFalse();
        assertThat(api.isActive(personalKey)).isTrue();
        assertThat(api.eventsFor(cursor, user.getId()))
                .containsExactly(Map.of("type", "key_revoked", "key_id", projectKey.substring(3, 15), "sub", user.getId()));
        api.check(List.of(projectKey.substring(3, 15), personalKey.substring(3, 15))).then()
                .body("inactive", org.hamcrest.Matchers.contains(projectKey.substring(3, 15)));

        realm.users().get(user.getId()).joinGroup(groupId);
        assertThat(api.isActive(projectKey)).as("membership is checked at every validation").isTrue();
    }

    @Test
    @DisplayName("no token: 401 on /projects")
    void noToken() {
        given().get(api.base() + "/projects").then().statusCode(401);
    }
}
