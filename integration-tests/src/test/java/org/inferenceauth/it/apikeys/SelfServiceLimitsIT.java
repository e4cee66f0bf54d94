package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.usage.UsageApi;
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
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A user reads their own limits and what is left of them at GET /realms/{realm}/api-keys/limits")
class SelfServiceLimitsIT {

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static final String MODEL = "demo-qwen";

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private UsageApi usage;
    private RealmResource realm;
    private UserRepresentation user;
    private LimitGroups groups;

    @BeforeEach
    void setUp(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        usage = UsageApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "limits");
        groups = new LimitGroups(realm);
    }

    private String limitsUrl() {
        return api.base() + "/limits";
    }

    private JsonPath limits(String token) {
        return api.asUser(token).get(limitsUrl()).then().statusCode(200).header("Cache-Control", "no-store")
                .extract().jsonPath();
    }

    @Test
    @DisplayName("the person's limits (from their tier), their use today and this month on every key and the web UI, what is left, and when each resets")
    void personalLimitsAndUsage() {
        groups.joinNewTier(user, Map.of("limits.requests_per_day", "1000", "limits.tokens_per_month", "50000",
                "limits.requests_per_minute", "30", "limits.concurrent_requests_per_model", "2",
                "limits.max_tokens_per_request", "4096"));
        UserRepresentation stranger = TestUsers.create(realm, "stranger");
        List<Map<String, Object>> entries = new ArrayList<>(List.of(
                UsageApi.apiEntry(TODAY, user.getId(), "AAAAAAAAAAA1", "personal", MODEL, 12, 1_000, 2_400),
                UsageApi.apiEntry(TODAY, user.getId(), "AAAAAAAAAAA2", "personal", "demo-llama", 3, 100, 200),
                // the web UI's calls count for the person too
                UsageApi.uiEntry(TODAY, user.getId(), MODEL, 5, 500, 500),
                // somebody else's use is not theirs
                UsageApi.apiEntry(TODAY, stranger.getId(), "AAAAAAAAAAA3", "personal", MODEL, 999, 9_999, 9_999)));
        LocalDate earlierThisMonth = TODAY.withDayOfMonth(1);
        boolean monthHasEarlierDays = !earlierThisMonth.equals(TODAY);
        if (monthHasEarlierDays) {
            entries.add(UsageApi.apiEntry(earlierThisMonth, user.getId(), "AAAAAAAAAAA1", "personal", MODEL, 40, 4_000, 6_000));
        }
        // the last day of the previous month belongs to no window any more
        entries.add(UsageApi.apiEntry(TODAY.withDayOfMonth(1).minusDays(1), user.getId(), "AAAAAAAAAAA1", "personal", MODEL,
                500, 500_000, 500_000));
        long before = Instant.now().getEpochSecond();
        usage.deliver(entries);

        JsonPath answer = limits(api.login(user));

        assertThat(answer.getMap("user.limits")).isEqualTo(withRealmDefaults(Map.of("requests_per_minute", 30,
                "requests_per_day", 1000, "tokens_per_month", 50000, "concurrent_requests_per_model", 2,
                "max_tokens_per_request", 4096)));
        assertThat(answer.getLong("user.usage.day.requests")).isEqualTo(20);
        assertThat(answer.getLong("user.usage.day.tokens")).isEqualTo(4_700);
        long monthRequests = 20 + (monthHasEarlierDays ? 40 : 0);
        long monthTokens = 4_700 + (monthHasEarlierDays ? 10_000 : 0);
        assertThat(answer.getLong("user.usage.month.requests")).isEqualTo(monthRequests);
        assertThat(answer.getLong("user.usage.month.tokens")).isEqualTo(monthTokens);
        assertThat(answer.getMap("user.remaining")).as("only the day and month limits that are set")
                .isEqualTo(Map.of("requests_per_day", 980, "tokens_per_month", (int) (50_000 - monthTokens)));
        assertThat(Instant.parse(answer.getString("user.usage.day.resetsAt")))
                .isEqualTo(TODAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        assertThat(Instant.parse(answer.getString("user.usage.month.resetsAt")))
                .isEqualTo(TODAY.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        assertThat(Instant.parse(answer.getString("usageAsOf")).getEpochSecond())
                .as("when the last batch arrived").isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(answer.getList("projects")).as("the personal project has no budget of its own").isEmpty();
    }

    @Test
    @DisplayName("a budget used beyond its limit shows 0 left, never a negative number")
    void overBudget() {
        groups.joinNewTier(user, Map.of("limits.tokens_per_day", "100"));
        usage.deliver(List.of(UsageApi.apiEntry(TODAY, user.getId(), "AAAAAAAAAAA1", "personal", MODEL, 1, 150, 50)));

        JsonPath answer = limits(api.login(user));
        assertThat(answer.getLong("user.usage.day.tokens")).isEqualTo(200);
        assertThat(answer.getMap("user.remaining")).isEqualTo(Map.of("tokens_per_day", 0));
    }

    @Test
    @DisplayName("each project the user may mint keys for: its limits and its use by all its members; other projects are not shown")
    void projectLimitsAndUsage() {
        String project = groups.newProject("genomics", Map.of("limits.tokens_per_day", "1000000", "limits.requests_per_hour", "600"));
        String notMine = groups.newProject("physics", Map.of("limits.tokens_per_day", "5"));
        String unlimited = groups.newProject("open", Map.of());
        groups.join(user, "/projects/" + project);
        groups.join(user, "/projects/" + unlimited);
        UserRepresentation colleague = TestUsers.create(realm, "colleague");
        groups.join(colleague, "/projects/" + project);
        usage.deliver(List.of(
                UsageApi.apiEntry(TODAY, user.getId(), "AAAAAAAAAAA1", project, MODEL, 2, 100, 100),
                UsageApi.apiEntry(TODAY, colleague.getId(), "AAAAAAAAAAA2", project, MODEL, 3, 1_000, 1_000),
                UsageApi.apiEntry(TODAY, colleague.getId(), "AAAAAAAAAAA3", notMine, MODEL, 7, 7, 7)));

        JsonPath answer = limits(api.login(user));

        assertThat(answer.getList("projects.id")).containsExactlyInAnyOrder(project, unlimited);
        String genomics = "projects.find { it.id == '" + project + "' }";
        assertThat(answer.getString(genomics + ".name")).isEqualTo(project);
        assertThat(answer.getMap(genomics + ".limits"))
                .isEqualTo(Map.of("tokens_per_day", 1_000_000, "requests_per_hour", 600));
        assertThat(answer.getLong(genomics + ".usage.day.requests")).as("both members' use").isEqualTo(5);
        assertThat(answer.getLong(genomics + ".usage.day.tokens")).isEqualTo(2_200);
        assertThat(answer.getMap(genomics + ".remaining")).isEqualTo(Map.of("tokens_per_day", 1_000_000 - 2_200));
        String open = "projects.find { it.id == '" + unlimited + "' }";
        assertThat(answer.getMap(open + ".limits")).isEmpty();
        assertThat(answer.getMap(open + ".remaining")).isEmpty();
        assertThat(answer.getLong(open + ".usage.month.requests")).isZero();
        assertThat(answer.getMap("user.usage.day")).as("the person's own use of the project counts for them too")
                .containsEntry("requests", 2).containsEntry("tokens", 200);
    }

    @Test
    @DisplayName("a user in no tier has the realm's user defaults (none here: empty limits, nothing 'remaining'), and still sees their use")
    void realmDefaultsOnly() {
        usage.deliver(List.of(UsageApi.uiEntry(TODAY, user.getId(), MODEL, 4, 10, 20)));
        JsonPath answer = limits(api.login(user));
        assertThat(answer.getMap("user.limits")).isEqualTo(withRealmDefaults(Map.of()));
        if (realmUserDefaults().isEmpty()) {
            assertThat(answer.getMap("user.remaining")).isEmpty();
        }
        assertThat(answer.getMap("user.usage.day")).containsEntry("requests", 4).containsEntry("tokens", 30);
    }

    /** The realm's person defaults ({@code inference.limits.user.<field>} numbers), as a tier-less user gets them. */
    private Map<String, Object> realmUserDefaults() {
        Map<String, Object> defaults = new java.util.HashMap<>();
        realm.toRepresentation().getAttributes().forEach((name, value) -> {
            if (name.startsWith("inference.limits.user.") && value.matches("[0-9]+")) {
                defaults.put(name.substring("inference.limits.user.".length()), Integer.parseInt(value));
            }
        });
        return defaults;
    }

    /** {@code own} over the realm's person defaults, per field. */
    private Map<String, Object> withRealmDefaults(Map<String, Object> own) {
        Map<String, Object> expected = realmUserDefaults();
        expected.putAll(own);
        return expected;
    }

    @Nested
    @DisplayName("refusals, as on the other self-service endpoints")
    class Refusals {

        @Test
        @DisplayName("no token: 401 with a Bearer challenge")
        void noToken() {
            given().get(limitsUrl()).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer realm=\"inference\""))
                    .body("error", equalTo("invalid_token"));
        }

        @Test
        @DisplayName("a forged token: 401 invalid_token")
        void forgedToken() {
            String[] parts = api.login(user).split("\\.");
            String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
            api.asUser(forged).get(limitsUrl()).then().statusCode(401).body("error", equalTo("invalid_token"));
        }

        @Test
        @DisplayName("a token of a client that is not a self-service client: 401 invalid_token")
        void wrongClient() {
            String serviceToken = given().formParam("grant_type", "client_credentials")
                    .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                    .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                    .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                    .then().statusCode(200).extract().path("access_token");
            api.asUser(serviceToken).get(limitsUrl()).then().statusCode(401).body("error", equalTo("invalid_token"))
                    .body("error_description", containsString("not issued to a client that may manage API keys"));
        }

        @Test
        @DisplayName("after logout: 401")
        void loggedOut() {
            String token = api.login(user);
            realm.users().get(user.getId()).logout();
            api.asUser(token).get(limitsUrl()).then().statusCode(401);
        }
    }
}
