package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Fair-use limits as Keycloak delivers them: resolved per person (user attribute, else the most
 * generous tier, else the realm default) and per project (project group, else its tier, else the
 * realm default), capped per key, in the introspection answer and in access tokens. A realm of its
 * own, with realm defaults that the shipped realm must not have.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Fair-use limits: resolution, key caps and delivery")
class LimitsIT {

    private static final String PASSWORD_CLIENT = "cli";

    private ScratchRealm scratch;
    private RealmResource realm;
    private ApiKeysApi api;
    private String tiersId;

    @BeforeAll
    void realm(KeycloakServer keycloak) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("inference.limits.user.requests_per_minute", "10");
        attributes.put("inference.limits.user.requests_per_day", "100");
        attributes.put("inference.limits.user.tokens_per_day", "5000");
        attributes.put("inference.limits.project.requests_per_minute", "50");
        attributes.put("inference.limits.project.tokens_per_month", "1000000");
        attributes.put("inference.limits.clientScope", "true");
        scratch = ScratchRealm.create(keycloak, "limits", attributes);
        realm = scratch.resource();
        api = scratch.api();
        // As in the shipped realm: admins may set limits.* on users, users may not see or set them.
        UPConfig profile = realm.users().userProfile().getConfiguration();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ADMIN_EDIT);
        realm.users().userProfile().update(profile);

        tiersId = group(null, "tiers", Map.of());
        group(tiersId, "standard", Map.of("limits.requests_per_minute", "30", "limits.requests_per_hour", "200"));
        group(tiersId, "premium", Map.of("limits.requests_per_minute", "120", "limits.requests_per_hour", "100",
                "limits.tokens_per_day", "unlimited"));
        group(null, "projects", Map.of());

        ClientRepresentation cli = new ClientRepresentation();
        cli.setClientId(PASSWORD_CLIENT);
        cli.setPublicClient(true);
        cli.setDirectAccessGrantsEnabled(true);
        cli.setStandardFlowEnabled(false);
        realm.clients().create(cli).close();
    }

    @AfterAll
    void removeRealm() {
        if (scratch != null) {
            scratch.close();
        }
    }

    /** Creates a group (a sub-group of {@code parentId} unless null) with single-valued attributes; returns its id. */
    private String group(String parentId, String name, Map<String, String> attributes) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        Map<String, List<String>> multi = new HashMap<>();
        attributes.forEach((k, v) -> multi.put(k, List.of(v)));
        group.setAttributes(multi);
        try (Response response = parentId == null ? realm.groups().add(group)
                : realm.groups().group(parentId).subGroup(group)) {
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    private String groupId(String path) {
        return realm.getGroupByPath(path).getId();
    }

    private void setGroupAttributes(String path, Map<String, String> attributes) {
        GroupRepresentation group = realm.groups().group(groupId(path)).toRepresentation();
        Map<String, List<String>> multi = new HashMap<>(group.getAttributes() == null ? Map.of() : group.getAttributes());
        attributes.forEach((k, v) -> multi.put(k, List.of(v)));
        group.setAttributes(multi);
        realm.groups().group(group.getId()).update(group);
    }

    private void setUserAttributes(UserRepresentation user, Map<String, String> attributes) {
        UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
        Map<String, List<String>> multi = new HashMap<>(rep.getAttributes() == null ? Map.of() : rep.getAttributes());
        attributes.forEach((k, v) -> multi.put(k, List.of(v)));
        rep.setAttributes(multi);
        realm.users().get(user.getId()).update(rep);
    }

    private void join(UserRepresentation user, String path) {
        realm.users().get(user.getId()).joinGroup(groupId(path));
    }

    /** The {@code limits} object of the introspection answer for {@code token} (a key or a JWT). */
    private Map<String, Object> introspectedLimits(String token) {
        JsonPath answer = api.introspect(token).then().statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("active")).isTrue();
        return answer.getMap("limits");
    }

    private String personalKey(UserRepresentation user) {
        return api.mint(api.login(user), "k-" + UUID.randomUUID().toString().substring(0, 6));
    }

    private String passwordToken(UserRepresentation user) {
        return given().formParam("grant_type", "password").formParam("client_id", PASSWORD_CLIENT)
                .formParam("username", user.getUsername()).formParam("password", TestUsers.PASSWORD)
                .post(scratch.issuer() + "/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
    }

    /** The token's claim inference_limits, numbers as Integer (as RestAssured reads the introspection answer). */
    private static Map<String, Object> tokenLimits(String jwt) throws Exception {
        return Limits.withIntegers(SignedJWT.parse(jwt).getJWTClaimsSet().getJSONObjectClaim("inference_limits"));
    }

    private static final Map<String, Object> REALM_USER_DEFAULT =
            Map.of("requests_per_minute", 10, "requests_per_day", 100, "tokens_per_day", 5000);

    @Nested
    @DisplayName("a person's limits")
    class Person {

        private UserRepresentation user;

        @BeforeEach
        void user() {
            user = TestUsers.create(realm, "person");
        }

        @Test
        @DisplayName("without tier or attribute: the realm's user default, which is also default_user; a personal key has no project or key part")
        void realmDefault() {
            Map<String, Object> limits = introspectedLimits(personalKey(user));
            assertThat(limits).containsOnlyKeys("user", "default_user");
            assertThat(limits.get("user")).isEqualTo(REALM_USER_DEFAULT);
            assertThat(limits.get("default_user")).isEqualTo(REALM_USER_DEFAULT);
        }

        @Test
        @DisplayName("in a tier through a sub-group: the tier's fields over the realm default; default_user stays the realm's")
        void tierBySubGroup() {
            String lab = group(groupId("/tiers/standard"), "lab-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
            realm.users().get(user.getId()).joinGroup(lab);

            Map<String, Object> limits = introspectedLimits(personalKey(user));
            assertThat(limits.get("user")).isEqualTo(Map.of("requests_per_minute", 30, "requests_per_hour", 200,
                    "requests_per_day", 100, "tokens_per_day", 5000));
            assertThat(limits.get("default_user")).isEqualTo(REALM_USER_DEFAULT);
        }

        @Test
        @DisplayName("in two tiers: per field the most generous, and a tier's unlimited removes the realm's limit")
        void twoTiers() {
            join(user, "/tiers/standard");
            join(user, "/tiers/premium");

            assertThat(introspectedLimits(personalKey(user)).get("user")).isEqualTo(Map.of("requests_per_minute", 120,
                    "requests_per_hour", 200, "requests_per_day", 100));
        }

        @Test
        @DisplayName("a user attribute an admin sets beats tier and realm, also when lower; unlimited lifts a limit; the next introspection shows it")
        void userAttribute() {
            join(user, "/tiers/premium");
            String key = personalKey(user);
            assertThat(introspectedLimits(key).get("user")).isEqualTo(Map.of("requests_per_minute", 120,
                    "requests_per_hour", 100, "requests_per_day", 100));

            setUserAttributes(user, Map.of("limits.requests_per_minute", "5", "limits.requests_per_day", "unlimited"));

            assertThat(introspectedLimits(key).get("user")).isEqualTo(Map.of("requests_per_minute", 5,
                    "requests_per_hour", 100));
        }

        @Test
        @DisplayName("an invalid attribute is ignored (the level below applies), not an error")
        void invalidAttribute() {
            setUserAttributes(user, Map.of("limits.requests_per_minute", "lots"));
            assertThat(introspectedLimits(personalKey(user)).get("user")).isEqualTo(REALM_USER_DEFAULT);
        }
    }

    @Nested
    @DisplayName("a project's limits")
    class Project {

        private UserRepresentation user;
        private String project;
        private String key;

        @BeforeEach
        void member() {
            user = TestUsers.create(realm, "member");
            project = "p-" + UUID.randomUUID().toString().substring(0, 8);
            group(groupId("/projects"), project, Map.of());
            join(user, "/projects/" + project);
            key = api.create(api.login(user), ApiKeysApi.body("name", "proj", "project", project))
                    .then().statusCode(201).extract().path("key");
        }

        @Test
        @DisplayName("without attribute or tier: the realm's project default")
        void realmDefault() {
            assertThat(introspectedLimits(key).get("project"))
                    .isEqualTo(Map.of("requests_per_minute", 50, "tokens_per_month", 1000000));
        }

        @Test
        @DisplayName("limits.tier names its tier, whose fields beat the realm default; the project's own attributes beat both")
        void tierThenAttribute() {
            setGroupAttributes("/projects/" + project, Map.of("limits.tier", "standard"));
            assertThat(introspectedLimits(key).get("project")).isEqualTo(Map.of("requests_per_minute", 30,
                    "requests_per_hour", 200, "tokens_per_month", 1000000));

            setGroupAttributes("/projects/" + project, Map.of("limits.requests_per_minute", "70",
                    "limits.tokens_per_month", "unlimited"));
            assertThat(introspectedLimits(key).get("project"))
                    .isEqualTo(Map.of("requests_per_minute", 70, "requests_per_hour", 200));
        }

        @Test
        @DisplayName("the project's tier does not change the member's own limits")
        void personUnaffected() {
            setGroupAttributes("/projects/" + project, Map.of("limits.tier", "premium"));
            assertThat(introspectedLimits(key).get("user")).isEqualTo(REALM_USER_DEFAULT);
        }
    }

    @Nested
    @DisplayName("a key's caps")
    class Caps {

        private UserRepresentation user;
        private String token;

        @BeforeEach
        void user() {
            user = TestUsers.create(realm, "capper");
            token = api.login(user);
        }

        @Test
        @DisplayName("set when minting: in the mint answer, the listing and the introspection answer (next to the user's limits)")
        void capped() {
            JsonPath minted = api.create(token, ApiKeysApi.body("name", "capped", "limits",
                    Map.of("requests_per_minute", 3, "tokens_per_day", 1000))).then().statusCode(201).extract().jsonPath();
            Map<String, Object> caps = Map.of("requests_per_minute", 3, "tokens_per_day", 1000);

            assertThat(minted.getMap("limits")).isEqualTo(caps);
            assertThat(api.list(token).then().statusCode(200).extract().jsonPath().getMap("keys[0].limits")).isEqualTo(caps);
            Map<String, Object> limits = introspectedLimits(minted.getString("key"));
            assertThat(limits.get("key")).isEqualTo(caps);
            assertThat(limits.get("user")).as("the caps add to the person's limits, never replace them")
                    .isEqualTo(REALM_USER_DEFAULT);
        }

        @Test
        @DisplayName("a key without caps lists {} and introspects without a key part")
        void uncapped() {
            String key = api.mint(token, "plain");
            assertThat(api.list(token).then().statusCode(200).extract().jsonPath().getMap("keys[0].limits")).isEmpty();
            assertThat(introspectedLimits(key)).doesNotContainKey("key");
        }

        @Test
        @DisplayName("anything but known names with positive integers is 400 invalid_request naming the field, and mints nothing")
        void badCaps() {
            List<Object[]> cases = List.of(
                    new Object[] {Map.of("requests_per_minute", 0), "limits.requests_per_minute"},
                    new Object[] {Map.of("requests_per_minute", -4), "limits.requests_per_minute"},
                    new Object[] {Map.of("requests_per_minute", "5"), "limits.requests_per_minute"},
                    new Object[] {Map.of("requests_per_minute", 1.5), "limits.requests_per_minute"},
                    new Object[] {Map.of("requests_per_minute", "unlimited"), "limits.requests_per_minute"},
                    new Object[] {Map.of("rpm", 5), "limits.rpm"},
                    new Object[] {List.of(5), "limits must be an object"});
            for (Object[] c : cases) {
                api.create(token, ApiKeysApi.body("name", "bad", "limits", c[0])).then().statusCode(400)
                        .body("error", org.hamcrest.Matchers.equalTo("invalid_request"))
                        .body("error_description", org.hamcrest.Matchers.containsString((String) c[1]));
            }
            assertThat(api.list(token).then().statusCode(200).extract().jsonPath().getList("keys")).isEmpty();
        }

        @Test
        @DisplayName("the admin listing shows them too")
        void adminListing(KeycloakServer keycloak) {
            String keyId = api.create(token, ApiKeysApi.body("name", "seen", "limits", Map.of("max_n_per_request", 2)))
                    .then().statusCode(201).extract().path("keyId");
            String adminToken = keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString();
            given().auth().oauth2(adminToken).accept(ContentType.JSON).queryParam("keyId", keyId)
                    .get(keycloak.getAuthServerUrl() + "/admin/realms/" + scratch.name() + "/api-keys")
                    .then().statusCode(200).body("keys[0].limits.max_n_per_request", org.hamcrest.Matchers.equalTo(2));
        }
    }

    @Nested
    @DisplayName("access tokens")
    class Tokens {

        @Test
        @DisplayName("carry inference_limits (password grant), which our introspection answers too")
        void claim() throws Exception {
            UserRepresentation user = TestUsers.create(realm, "tokened");
            join(user, "/tiers/standard");
            String jwt = passwordToken(user);

            Map<String, Object> expected = Map.of("user", Map.of("requests_per_minute", 30, "requests_per_hour", 200,
                    "requests_per_day", 100, "tokens_per_day", 5000), "default_user", REALM_USER_DEFAULT);
            assertThat(tokenLimits(jwt)).isEqualTo(expected);
            assertThat(introspectedLimits(jwt)).isEqualTo(expected);
        }

        @Test
        @DisplayName("of a client-credentials grant carry the service account's limits")
        void clientCredentials() throws Exception {
            String jwt = given().auth().preemptive().basic(ScratchRealm.GATEWAY_CLIENT, ScratchRealm.GATEWAY_SECRET)
                    .formParam("grant_type", "client_credentials")
                    .post(scratch.issuer() + "/protocol/openid-connect/token").then().statusCode(200)
                    .extract().path("access_token");
            assertThat(tokenLimits(jwt)).isEqualTo(Map.of("user", REALM_USER_DEFAULT, "default_user", REALM_USER_DEFAULT));
        }

        @Test
        @DisplayName("the realm has the default client scope inference-limits, on clients created before and after it")
        void scope() {
            assertThat(realm.getDefaultDefaultClientScopes()).extracting(s -> s.getName()).contains("inference-limits");
            for (String clientId : List.of(ScratchRealm.GATEWAY_CLIENT, PASSWORD_CLIENT, "account-console")) {
                String id = realm.clients().findByClientId(clientId).get(0).getId();
                assertThat(realm.clients().get(id).getDefaultClientScopes()).as(clientId)
                        .extracting(s -> s.getName()).contains("inference-limits");
            }
        }
    }
}
