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
import org.inferenceauth.testkit.BrowserLogin;
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

/** Fair-use limits in the shipped realm: what it ships, what its tokens carry, and who may set a person's limits. */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The shipped realm's fair-use limits")
class RealmLimitsIT {

    private static final Map<String, Object> NO_LIMITS = Map.of("user", Map.of(), "default_user", Map.of());

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;

    @BeforeEach
    void user(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "limited");
    }

    /** The token's claim inference_limits, numbers as Integer (as RestAssured reads the introspection answer). */
    private static Map<String, Object> tokenLimits(String jwt) throws Exception {
        return Limits.withIntegers(SignedJWT.parse(jwt).getJWTClaimsSet().getJSONObjectClaim("inference_limits"));
    }

    private Map<String, Object> introspectedLimits(String key) {
        return api.introspect(key).then().statusCode(200).extract().jsonPath().getMap("limits");
    }

    @Test
    @DisplayName("has no realm default limits: keys and tokens say so with empty user and default_user sets (the test suite is not throttled)")
    void noDefaults() throws Exception {
        String consoleToken = api.login(user);
        assertThat(introspectedLimits(api.mint(consoleToken, "k"))).isEqualTo(NO_LIMITS);
        assertThat(tokenLimits(consoleToken)).isEqualTo(NO_LIMITS);
        assertThat(tokenLimits(BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD).accessToken()))
                .as("the web UI's tokens").isEqualTo(NO_LIMITS);
        String serviceToken = given().formParam("grant_type", "client_credentials")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT).formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        assertThat(tokenLimits(serviceToken)).as("client credentials of the dev overlay's client").isEqualTo(NO_LIMITS);
        JsonPath keycloakIntrospection = given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .formParam("token", serviceToken).post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token/introspect")
                .then().statusCode(200).extract().jsonPath();
        assertThat(keycloakIntrospection.getBoolean("active")).isTrue();
        assertThat(keycloakIntrospection.getMap("inference_limits")).as("Keycloak's own introspection").isEqualTo(NO_LIMITS);
    }

    @Test
    @DisplayName("ships the example tiers under /tiers without members: standard is 30/minute, 200/hour, 1,000/day, 3,000/month")
    void exampleTiers() {
        GroupRepresentation standard = realm.getGroupByPath("/tiers/standard");
        assertThat(standard.getAttributes()).containsEntry("limits.requests_per_minute", List.of("30"))
                .containsEntry("limits.requests_per_hour", List.of("200"))
                .containsEntry("limits.requests_per_day", List.of("1000"))
                .containsEntry("limits.requests_per_month", List.of("3000"));
        assertThat(realm.getGroupByPath("/tiers/research").getAttributes()).containsKey("limits.tokens_per_day");
        for (String tier : List.of("/tiers/standard", "/tiers/research")) {
            assertThat(realm.groups().group(realm.getGroupByPath(tier).getId()).members()).as(tier).isEmpty();
        }
        assertThat(realm.getDefaultDefaultClientScopes()).extracting(s -> s.getName()).contains("inference-limits");
        for (String clientId : List.of(TestRealm.WEB_UI_CLIENT, TestRealm.GATEWAY_CLIENT, TestRealm.EXAMPLE_SERVICE_CLIENT)) {
            String id = realm.clients().findByClientId(clientId).get(0).getId();
            assertThat(realm.clients().get(id).getDefaultClientScopes()).as(clientId).extracting(s -> s.getName())
                    .contains("inference-limits");
        }
    }

    @Test
    @DisplayName("a token exchanged for a key carries the key's project limits and caps next to the owner's")
    void exchangedToken() throws Exception {
        String project = "lim-" + UUID.randomUUID().toString().substring(0, 8);
        GroupRepresentation group = new GroupRepresentation();
        group.setName(project);
        group.setAttributes(Map.of("limits.requests_per_minute", List.of("77")));
        String groupId;
        try (Response created = realm.groups().group(realm.getGroupByPath("/projects").getId()).subGroup(group)) {
            groupId = CreatedResponseUtil.getCreatedId(created);
        }
        realm.users().get(user.getId()).joinGroup(groupId);
        String key = api.create(api.login(user), ApiKeysApi.body("name", "exchanged", "project", project,
                "limits", Map.of("requests_per_minute", 7))).then().statusCode(201).extract().path("key");

        String jwt = given().formParam("grant_type", "urn:inference-auth:params:oauth:grant-type:api-key")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT).formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .formParam("api_key", key).post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");

        Map<String, Object> expected = Map.of("user", Map.of(), "project", Map.of("requests_per_minute", 77),
                "key", Map.of("requests_per_minute", 7), "default_user", Map.of());
        assertThat(tokenLimits(jwt)).isEqualTo(expected);
        assertThat(SignedJWT.parse(jwt).getJWTClaimsSet().getStringClaim("api_key_project"))
                .as("names the project whose budget the gateway charges").isEqualTo(project);
        assertThat(introspectedLimits(jwt)).as("our introspection of that token").isEqualTo(expected);
        assertThat(introspectedLimits(key)).as("and of the key itself").isEqualTo(expected);
    }

    @Test
    @DisplayName("a user cannot set or see their own limits through the account REST API; an admin sets them through the admin REST API")
    void onlyAdminsSetLimits() {
        String token = api.login(user);
        String key = api.mint(token, "mine");
        String account = keycloak.getIssuer(TestRealm.REALM) + "/account";

        int status = postOwnLimit(account, token, "999999");
        Map<String, List<String>> stored = realm.users().get(user.getId()).toRepresentation().getAttributes();
        assertThat(stored == null ? Map.of() : stored)
                .as("after the user's POST (HTTP %d)", status).doesNotContainKey("limits.requests_per_minute");
        assertThat(introspectedLimits(key).get("user")).isEqualTo(Map.of());

        UserRepresentation rep = realm.users().get(user.getId()).toRepresentation();
        Map<String, List<String>> attributes = new HashMap<>(rep.getAttributes() == null ? Map.of() : rep.getAttributes());
        attributes.put("limits.requests_per_minute", List.of("12"));
        rep.setAttributes(attributes);
        realm.users().get(user.getId()).update(rep);
        assertThat(introspectedLimits(key).get("user")).isEqualTo(Map.of("requests_per_minute", 12));

        Map<String, Object> seen = given().auth().oauth2(token).accept(ContentType.JSON).get(account)
                .then().statusCode(200).extract().jsonPath().getMap("attributes");
        assertThat(seen == null ? Map.of() : seen).as("the user does not see it").doesNotContainKey("limits.requests_per_minute");
        postOwnLimit(account, token, "999999");
        assertThat(introspectedLimits(key).get("user")).as("nor can they raise it")
                .isEqualTo(Map.of("requests_per_minute", 12));
    }

    /** The user's own profile as the account REST API shows it, with {@code limits.requests_per_minute} added, posted back. */
    private static int postOwnLimit(String account, String token, String value) {
        Map<String, Object> profile = given().auth().oauth2(token).accept(ContentType.JSON).get(account)
                .then().statusCode(200).extract().jsonPath().getMap("");
        Map<String, Object> attributes = new HashMap<>();
        if (profile.get("attributes") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> attributes.put((String) k, v));
        }
        attributes.put("limits.requests_per_minute", List.of(value));
        Map<String, Object> body = new HashMap<>();
        for (String field : List.of("username", "email", "firstName", "lastName")) {
            body.put(field, profile.get(field));
        }
        body.put("attributes", attributes);
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON).body(body)
                .post(account).statusCode();
    }
}
