package org.inferenceauth.it.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Gateways deliver usage at POST /realms/{r}/usage/batches")
class UsageBatchesIT {

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    private KeycloakServer keycloak;
    private UsageApi usage;
    private RealmResource realm;
    private UserRepresentation user;

    @BeforeEach
    void setUp(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        usage = UsageApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "usage");
    }

    private Map<String, Object> entry(long requests, long prompt, long completion) {
        return UsageApi.apiEntry(TODAY, user.getId(), "AAAAAAAAAAAA", "personal", "demo-qwen", requests, prompt, completion);
    }

    @Test
    @DisplayName("a valid batch is stored: the report shows exactly its sums, entries naming one row are added up")
    void validBatch() {
        Map<String, Object> other = entry(1, 10, 20);
        other.put("model", "demo-llama");
        usage.post(UsageApi.batch(UUID.randomUUID().toString(), "gw-1", List.of(entry(3, 120, 480), entry(2, 5, 7), other)))
                .then().statusCode(200).body("accepted", equalTo(3)).body("duplicate", equalTo(false));

        Map<String, Object> day = usage.userDay(user.getId(), TODAY);
        assertThat(day).containsEntry("requests", 6).containsEntry("prompt_tokens", 135)
                .containsEntry("completion_tokens", 507).containsEntry("total_tokens", 642).containsEntry("refused", 0)
                .containsEntry("username", user.getUsername());
    }

    @Test
    @DisplayName("the same batch_id again adds nothing and says so (a retry after a lost answer)")
    void duplicateBatchId() {
        Map<String, Object> batch = UsageApi.batch(UUID.randomUUID().toString(), "gw-1", List.of(entry(4, 40, 80)));
        usage.post(batch).then().statusCode(200).body("accepted", equalTo(1)).body("duplicate", equalTo(false));
        usage.post(batch).then().statusCode(200).body("accepted", equalTo(0)).body("duplicate", equalTo(true));

        assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 4).containsEntry("total_tokens", 120);
    }

    @Test
    @DisplayName("two gateways delivering at once, each many batches onto the same new rows: every batch counted exactly once")
    void concurrentSources() throws Exception {
        int batchesPerSource = 15;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String source : List.of("gw-a", "gw-b")) {
                for (int i = 0; i < batchesPerSource; i++) {
                    String batchId = UUID.randomUUID().toString();
                    Map<String, Object> batch = UsageApi.batch(batchId, source, List.of(entry(1, 2, 3),
                            UsageApi.uiEntry(TODAY, user.getId(), "demo-qwen", 1, 1, 1)));
                    // Each batch twice, as a retry racing its original: stored once.
                    for (int copy = 0; copy < 2; copy++) {
                        answers.add(pool.submit((Callable<Integer>) () -> usage.post(batch).then().statusCode(200)
                                .extract().path("accepted")));
                    }
                }
            }
            int accepted = 0;
            for (Future<Integer> answer : answers) {
                accepted += answer.get();
            }
            assertThat(accepted).isEqualTo(2 * batchesPerSource * 2);
        } finally {
            pool.shutdownNow();
        }
        int batches = 2 * batchesPerSource;
        assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 2 * batches)
                .containsEntry("prompt_tokens", 3 * batches).containsEntry("completion_tokens", 4 * batches);
    }

    @Nested
    @DisplayName("on channel ui, user_email names the person")
    class UserEmail {

        @Test
        @DisplayName("an enabled user with that email gets the usage, not the web UI's own account")
        void mappedByEmail() {
            UserRepresentation webUiAccount = TestUsers.create(realm, "webui-account");
            Map<String, Object> entry = UsageApi.uiEntry(TODAY, webUiAccount.getId(), "demo-qwen", 2, 20, 30);
            entry.put("user_email", user.getEmail());
            usage.deliver(List.of(entry));

            assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 2).containsEntry("total_tokens", 50);
            assertThat(usage.userDay(webUiAccount.getId(), TODAY)).containsEntry("requests", 0);
        }

        @Test
        @DisplayName("an email nobody (enabled) has leaves the usage with user_id")
        void unknownEmail() {
            UserRepresentation disabled = TestUsers.create(realm, "disabled");
            disabled.setEnabled(false);
            realm.users().get(disabled.getId()).update(disabled);
            Map<String, Object> unknown = UsageApi.uiEntry(TODAY, user.getId(), "demo-qwen", 1, 1, 1);
            unknown.put("user_email", "nobody-" + UUID.randomUUID() + "@example.edu");
            Map<String, Object> ofDisabled = UsageApi.uiEntry(TODAY, user.getId(), "demo-qwen", 1, 1, 1);
            ofDisabled.put("user_email", disabled.getEmail());
            usage.deliver(List.of(unknown, ofDisabled));

            assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 2);
            assertThat(usage.userDay(disabled.getId(), TODAY)).containsEntry("requests", 0);
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("an unknown member", Map.of("logins", 1)),
                Arguments.of("a negative counter", Map.of("requests", -1)),
                Arguments.of("a fractional counter", Map.of("requests", 1.5)),
                Arguments.of("a counter above 2^53", Map.of("prompt_tokens", 9007199254740993L)),
                Arguments.of("a counter as a string", Map.of("requests", "3")),
                Arguments.of("a day that is no date", Map.of("day", "2026-02-30")),
                Arguments.of("a day more than 31 days ago", Map.of("day", TODAY.minusDays(32).toString())),
                Arguments.of("a day after tomorrow", Map.of("day", TODAY.plusDays(2).toString())),
                Arguments.of("an unknown channel", Map.of("channel", "web")),
                Arguments.of("user_email on channel api", Map.of("user_email", "a@example.edu")),
                Arguments.of("no user_id", Map.of("user_id", "")),
                Arguments.of("a string over 255 characters", Map.of("model", "m".repeat(256))),
                Arguments.of("every counter 0", Map.of("requests", 0, "prompt_tokens", 0, "completion_tokens", 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    @DisplayName("a malformed entry refuses the whole batch (400 invalid_request), the valid entries beside it included")
    void malformedEntry(String what, Map<String, Object> change) {
        Map<String, Object> bad = entry(1, 1, 1);
        bad.putAll(change);
        usage.post(UsageApi.batch(UUID.randomUUID().toString(), "gw-1", List.of(entry(5, 5, 5), bad)))
                .then().statusCode(400).body("error", equalTo("invalid_request")).body("error_description", notNullValue());

        assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 0);
    }

    @Test
    @DisplayName("malformed batches: not JSON, not UTF-8, a repeated member, no UUID, too many entries, not application/json")
    void malformedBatch() {
        String valid = "{\"day\":\"" + TODAY + "\",\"channel\":\"api\",\"user_id\":\"" + user.getId() + "\",\"requests\":1}";
        for (String body : List.of("not json", "[]",
                "{\"batch_id\":\"" + UUID.randomUUID() + "\",\"batch_id\":\"" + UUID.randomUUID() + "\",\"source\":\"s\",\"entries\":[]}",
                "{\"batch_id\":\"batch-1\",\"source\":\"s\",\"entries\":[" + valid + "]}",
                "{\"batch_id\":\"" + UUID.randomUUID() + "\",\"source\":\"" + "s".repeat(65) + "\",\"entries\":[]}",
                "{\"batch_id\":\"" + UUID.randomUUID() + "\",\"source\":\"s\",\"entries\":[" + (valid + ",").repeat(10_000) + valid + "]}")) {
            usage.post(body).then().statusCode(400).body("error", equalTo("invalid_request"));
        }
        byte[] latin1 = ("{\"batch_id\":\"" + UUID.randomUUID() + "\",\"source\":\"caf\u00e9\",\"entries\":[" + valid + "]}")
                .getBytes(StandardCharsets.ISO_8859_1);
        usage.post(latin1).then().statusCode(400).body("error", equalTo("invalid_request"));
        given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET).contentType(ContentType.TEXT)
                .body("{}").post(usage.batchesUrl()).then().statusCode(415);

        assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 0);
    }

    @Test
    @DisplayName("a body above 8 MiB is refused with 413 before it is read as JSON")
    void oversized() {
        Map<String, Object> batch = new LinkedHashMap<>(UsageApi.batch(UUID.randomUUID().toString(), "gw-1",
                List.of(entry(1, 1, 1))));
        batch.put("padding", "x".repeat(9 * 1024 * 1024));
        usage.post(batch).then().statusCode(413).body("error", equalTo("invalid_request"));
    }

    @Test
    @DisplayName("only the gateway's client may deliver: 401 without or with wrong credentials, 403 for a person's token")
    void authentication() {
        Map<String, Object> batch = UsageApi.batch(UUID.randomUUID().toString(), "gw-1", List.of(entry(1, 1, 1)));
        given().contentType(ContentType.JSON).body(batch).post(usage.batchesUrl()).then().statusCode(401);
        given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, "wrong").contentType(ContentType.JSON).body(batch)
                .post(usage.batchesUrl()).then().statusCode(401);
        String personal = org.inferenceauth.testkit.BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .login(user.getUsername(), TestUsers.PASSWORD).accessToken();
        given().auth().oauth2(personal).contentType(ContentType.JSON).body(batch).post(usage.batchesUrl())
                .then().statusCode(403);

        assertThat(usage.userDay(user.getId(), TODAY)).containsEntry("requests", 0);
    }
}
