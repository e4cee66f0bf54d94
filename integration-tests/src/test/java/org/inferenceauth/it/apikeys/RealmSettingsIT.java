package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * A second realm with strict settings: 2 keys per user, 30 days at most, expiry required, logins
 * older than 10 s may not mint. It also shows that keys do not cross realms, and is deleted at the end.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Per-realm settings and realm isolation")
class RealmSettingsIT {

    static final int MAX_AUTH_AGE = 10; // generous: logins on a busy CI machine take a while

    private KeycloakServer keycloak;
    private ScratchRealm scratch;
    private String name;
    private RealmResource realm;
    private ApiKeysApi strict;

    @BeforeAll
    void strictRealm(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        scratch = ScratchRealm.create(keycloak, "strict", Map.of(
                "inference.apikey.maxKeys", "2",
                "inference.apikey.maxLifetimeDays", "30",
                "inference.apikey.expiryRequired", "true",
                "inference.apikey.mintMaxAuthAgeSeconds", Integer.toString(MAX_AUTH_AGE)));
        name = scratch.name();
        realm = scratch.resource();
        strict = scratch.api();
    }

    /** Realm deletion removes the index rows of all its keys (cascade from CREDENTIAL). */
    @AfterAll
    void deleteRealm() throws Exception {
        String realmId = scratch.id();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE REALM_ID = ?", realmId))
                    .as("positive control: the realm's keys are indexed").isPositive();
            scratch.close();
            assertThat(db.count("SELECT COUNT(*) FROM REALM WHERE ID = ?", realmId)).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE REALM_ID = ?", realmId)).isZero();
        }
    }

    private static String inDays(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).toString();
    }

    @Nested
    @DisplayName("limits")
    class Limits {

        @Test
        @DisplayName("an expiry is required: 400 without one")
        void expiryRequired() {
            String token = strict.login(TestUsers.create(realm, "u"));
            strict.create(token, ApiKeysApi.body("name", "forever")).then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }

        @Test
        @DisplayName("at most 30 days: 400 beyond, 201 within")
        void lifetime() {
            String token = strict.login(TestUsers.create(realm, "u"));
            strict.create(token, ApiKeysApi.body("name", "long", "expiresAt", inDays(31))).then().statusCode(400)
                    .body("error_description", containsString("30"));
            strict.create(token, ApiKeysApi.body("name", "ok", "expiresAt", inDays(29))).then().statusCode(201);
        }

        @Test
        @DisplayName("at most 2 keys per user: the third is 409 key_limit_reached, revoking one frees a slot")
        void keyCount() {
            String token = strict.login(TestUsers.create(realm, "u"));
            String first = strict.create(token, ApiKeysApi.body("name", "1", "expiresAt", inDays(1)))
                    .then().statusCode(201).extract().path("keyId");
            strict.create(token, ApiKeysApi.body("name", "2", "expiresAt", inDays(1))).then().statusCode(201);
            strict.create(token, ApiKeysApi.body("name", "3", "expiresAt", inDays(1))).then().statusCode(409)
                    .body("error", equalTo("key_limit_reached"));
            strict.revoke(token, first).then().statusCode(204);
            strict.create(token, ApiKeysApi.body("name", "3", "expiresAt", inDays(1))).then().statusCode(201);
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        @DisplayName("six simultaneous mints of one user never exceed the limit of 2")
        void concurrentMints() throws Exception {
            String token = strict.login(TestUsers.create(realm, "racer"));
            var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
                var start = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 6; i++) {
                    String name = "race-" + i;
                    answers.add(pool.submit(() -> {
                        start.await();
                        return strict.create(token, ApiKeysApi.body("name", name, "expiresAt", inDays(1))).statusCode();
                    }));
                }
                start.countDown();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (var answer : answers) {
                    statuses.add(answer.get());
                }
                assertThat(statuses).filteredOn(s -> s == 201).hasSize(2);
                assertThat(statuses).filteredOn(s -> s != 201).containsOnly(409);
                strict.list(token).then().body("keys.size()", equalTo(2));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("recent authentication")
    class RecentAuthentication {

        @Test
        @DisplayName("a login older than the window: 401 insufficient_user_authentication with max_age; a fresh login (max_age=0) may mint")
        void staleLogin() throws InterruptedException {
            UserRepresentation user = TestUsers.create(realm, "stale");
            BrowserLogin browser = BrowserLogin.accountConsole(keycloak, name);
            String token = browser.login(user.getUsername(), TestUsers.PASSWORD).accessToken();
            Thread.sleep((MAX_AUTH_AGE + 1) * 1000L);
            String sameLogin = browser.login(user.getUsername(), TestUsers.PASSWORD).accessToken();

            strict.create(sameLogin, ApiKeysApi.body("name", "late", "expiresAt", inDays(1))).then().statusCode(401)
                    .body("error", equalTo("insufficient_user_authentication"))
                    .header("WWW-Authenticate", containsString("error=\"insufficient_user_authentication\""))
                    .header("WWW-Authenticate", containsString("max_age=\"" + MAX_AUTH_AGE + "\""));
            strict.list(token).then().statusCode(200);

            String fresh = browser.login(user.getUsername(), TestUsers.PASSWORD, Map.of("max_age", "0")).accessToken();
            strict.create(fresh, ApiKeysApi.body("name", "fresh", "expiresAt", inDays(1))).then().statusCode(201);
        }
    }

    @Nested
    @DisplayName("realm isolation")
    class Isolation {

        @Test
        @DisplayName("a key of this realm is inactive in the inference realm, and vice versa")
        void keysStayInTheirRealm() {
            String strictKey = strict.create(strict.login(TestUsers.create(realm, "iso")),
                    ApiKeysApi.body("name", "here", "expiresAt", inDays(1))).then().statusCode(201).extract().path("key");
            ApiKeysApi inference = ApiKeysApi.inference(keycloak);
            var inferenceRealm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
            String inferenceKey = inference.mint(inference.login(TestUsers.create(inferenceRealm, "iso")), "there");

            assertThat(strict.isActive(strictKey)).isTrue();
            assertThat(inference.introspect(strictKey).then().extract().jsonPath().getMap("")).isEqualTo(Map.of("active", false));
            assertThat(strict.introspect(inferenceKey).then().extract().jsonPath().getMap("")).isEqualTo(Map.of("active", false));
        }

        @Test
        @DisplayName("the inference gateway's credentials are not valid in this realm: 401")
        void otherRealmsGateway() {
            ApiKeysApi wrongGateway = new ApiKeysApi(keycloak, name, TestRealm.GATEWAY_CLIENT,
                    TestRealm.GATEWAY_SECRET);
            wrongGateway.introspect("ik_x").then().statusCode(401);
        }

        @Test
        @DisplayName("the key prefix is a realm setting")
        void prefix() {
            RealmRepresentation rep = realm.toRepresentation();
            rep.getAttributes().put("inference.apikey.prefix", "sk");
            realm.update(rep);
            try {
                String key = strict.create(strict.login(TestUsers.create(realm, "prefixed")),
                        ApiKeysApi.body("name", "sk", "expiresAt", inDays(1))).then().statusCode(201).extract().path("key");
                assertThat(key).startsWith("sk_");
                assertThat(strict.isActive(key)).isTrue();
            } finally {
                rep.getAttributes().put("inference.apikey.prefix", "ik");
                realm.update(rep);
            }
        }
    }

    @Nested
    @DisplayName("the inference API's base URL (inference.apikey.apiBaseUrl) for the key dialog's examples")
    class ApiBaseUrl {

        static final String ATTRIBUTE = "inference.apikey.apiBaseUrl";

        private ValidatableResponse projectsWith(String value) {
            RealmRepresentation rep = realm.toRepresentation();
            rep.getAttributes().put(ATTRIBUTE, value);
            realm.update(rep);
            String token = strict.login(TestUsers.create(realm, "url"));
            return strict.asUser(token).get(strict.base() + "/projects").then().statusCode(200);
        }

        @AfterEach
        void unset() {
            RealmRepresentation rep = realm.toRepresentation();
            rep.getAttributes().put(ATTRIBUTE, "");
            realm.update(rep);
        }

        @Test
        @DisplayName("unset: GET /projects answers \"api\":{}, no URL and no problem")
        void unsetIsEmpty() {
            projectsWith("").body("api", equalTo(Map.of()));
        }

        @Test
        @DisplayName("set: delivered without surrounding blanks and trailing slashes")
        void delivered() {
            projectsWith(" https://inference.example.edu/v1/ ").body("api.baseUrl", equalTo("https://inference.example.edu/v1"));
        }

        @Test
        @DisplayName("invalid (not http(s), relative, with a password, a literal ${VAR}): no URL, and a problem naming the setting, never the value")
        void invalidIsExplained() {
            Map<String, String> invalid = Map.of(
                    "ftp://files.example.edu/v1", "is not an absolute http(s) URL",
                    "inference.example.edu/v1", "is not an absolute http(s) URL",
                    "https://gw:s3cret-pw@inference.example.edu/v1", "holds user info",
                    "${INFERENCE_API_BASE_URL}", "is not a URL");
            invalid.forEach((value, why) -> {
                String problem = projectsWith(value).body("api.baseUrl", nullValue())
                        .extract().path("api.baseUrlProblem");
                assertThat(problem).as(value).startsWith(ATTRIBUTE + " " + why).doesNotContain("s3cret-pw");
            });
        }
    }
}
