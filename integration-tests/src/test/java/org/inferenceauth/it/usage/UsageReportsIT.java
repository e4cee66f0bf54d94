package org.inferenceauth.it.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.apikeys.KeycloakDb;
import org.inferenceauth.it.apikeys.ScratchRealm;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Reports over known data in realms of their own: every number is what was sent. Days are chosen
 * relative to today (batches reach back at most 31 days) so that they fall on the boundaries tested.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Usage reports: /admin/realms/{r}/usage/active-users, /totals and /realms/{r}/usage/me")
class UsageReportsIT {

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    /** A Sunday and the Monday after it, both in the past 8 days (the Monday may be today). */
    private static final LocalDate SUNDAY = TODAY.minusDays(1).with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
    private static final LocalDate MONDAY = SUNDAY.plusDays(1);

    private KeycloakServer keycloak;
    private ScratchRealm weeks;
    private UserRepresentation alice;
    private UserRepresentation bob;
    private UserRepresentation carol;

    @BeforeAll
    void weekRealm(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        weeks = ScratchRealm.create(keycloak, "usage", Map.of());
        alice = TestUsers.create(weeks.resource(), "alice");
        bob = TestUsers.create(weeks.resource(), "bob");
        carol = TestUsers.create(weeks.resource(), "carol");
        weeks.usage().deliver(List.of(
                UsageApi.apiEntry(SUNDAY, alice.getId(), "KeyAlice0001", "astro", "demo-qwen", 2, 100, 200),
                UsageApi.apiEntry(MONDAY, alice.getId(), "KeyAlice0001", "astro", "demo-llama", 1, 10, 20),
                UsageApi.uiEntry(SUNDAY, bob.getId(), "demo-qwen", 3, 30, 60),
                UsageApi.apiEntry(MONDAY, bob.getId(), "KeyBob000001", "bio, \"cells\"", "demo-qwen", 1, 5, 5)));
        weeks.usage().deliver(List.of(
                UsageApi.apiEntry(SUNDAY, carol.getId(), "KeyCarol0001", "astro", "demo-qwen", 1, 1, 1),
                UsageApi.uiEntry(SUNDAY, carol.getId(), "demo-qwen", 1, 2, 2)));
    }

    @AfterAll
    void removeRealm() {
        weeks.close();
    }

    private static Map<String, Object> period(LocalDate start, LocalDate end, int apiOnly, int uiOnly, int both, int fresh) {
        Map<String, Object> period = new LinkedHashMap<>();
        period.put("start", start.toString());
        period.put("end", end.toString());
        period.put("api_only", apiOnly);
        period.put("ui_only", uiOnly);
        period.put("both", both);
        period.put("total", apiOnly + uiOnly + both);
        period.put("new", fresh);
        return period;
    }

    @Nested
    @DisplayName("active-users")
    class ActiveUsers {

        @Test
        @DisplayName("ISO weeks run Monday to Sunday: a Sunday and the next Monday fall in two weeks; people split API / UI / both; new once")
        void weeks() {
            List<Map<String, Object>> periods = weeks.usage().periods(Map.of("from", SUNDAY.minusDays(6).toString(),
                    "to", MONDAY.plusDays(6).toString(), "period", "week"));
            assertThat(periods).containsExactly(
                    period(SUNDAY.minusDays(6), SUNDAY, 1, 1, 1, 3),
                    period(MONDAY, MONDAY.plusDays(6), 2, 0, 0, 0));
        }

        @Test
        @DisplayName("periods are clipped to from/to; every day of the range is listed, idle ones with zeros")
        void days() {
            List<Map<String, Object>> periods = weeks.usage().periods(Map.of("from", SUNDAY.minusDays(1).toString(),
                    "to", MONDAY.toString(), "period", "day"));
            assertThat(periods).containsExactly(
                    period(SUNDAY.minusDays(1), SUNDAY.minusDays(1), 0, 0, 0, 0),
                    period(SUNDAY, SUNDAY, 1, 1, 1, 3),
                    period(MONDAY, MONDAY, 2, 0, 0, 0));
        }

        @Test
        @DisplayName("months: the last day of a month and the first of the next are two periods; new counts first activity ever")
        void months() {
            ScratchRealm months = ScratchRealm.create(keycloak, "usage", Map.of());
            try {
                LocalDate lastOfMonth = TODAY.withDayOfMonth(1).minusDays(1);
                LocalDate firstOfMonth = TODAY.withDayOfMonth(1);
                UserRepresentation dave = TestUsers.create(months.resource(), "dave");
                UserRepresentation erin = TestUsers.create(months.resource(), "erin");
                months.usage().deliver(List.of(
                        UsageApi.apiEntry(lastOfMonth, dave.getId(), "KeyDave00001", "astro", "demo-qwen", 1, 1, 1),
                        UsageApi.apiEntry(firstOfMonth, dave.getId(), "KeyDave00001", "astro", "demo-qwen", 1, 1, 1),
                        UsageApi.uiEntry(firstOfMonth, erin.getId(), "demo-qwen", 1, 1, 1)));

                List<Map<String, Object>> periods = months.usage().periods(Map.of(
                        "from", lastOfMonth.withDayOfMonth(1).toString(), "to", TODAY.toString(), "period", "month"));
                assertThat(periods).containsExactly(
                        period(lastOfMonth.withDayOfMonth(1), lastOfMonth, 1, 0, 0, 1),
                        period(firstOfMonth, TODAY, 1, 1, 0, 1));
                // Seen from this month alone, dave is still not new: his first activity is last month's.
                assertThat(months.usage().periods(Map.of("from", firstOfMonth.toString(), "to", TODAY.toString(),
                        "period", "month"))).containsExactly(period(firstOfMonth, TODAY, 1, 1, 0, 1));
            } finally {
                months.close();
            }
        }
    }

    @Nested
    @DisplayName("totals")
    class Totals {

        private final Map<String, String> range = Map.of("from", SUNDAY.toString(), "to", MONDAY.toString());

        private Map<String, Object> query(Object... pairs) {
            Map<String, Object> query = new LinkedHashMap<>(range);
            for (int i = 0; i < pairs.length; i += 2) {
                query.put((String) pairs[i], pairs[i + 1]);
            }
            return query;
        }

        @Test
        @DisplayName("without group_by: one row of the realm's sums")
        void grandTotal() {
            assertThat(weeks.usage().totals(query())).containsExactly(Map.of("requests", 9, "refused", 0,
                    "prompt_tokens", 148, "completion_tokens", 288, "total_tokens", 436, "logins", 0));
        }

        @Test
        @DisplayName("by user and model: user rows carry the username; rows in the order of their groups")
        void byUserAndModel() {
            List<Map<String, Object>> rows = weeks.usage().totals(query("group_by", "user,model"));
            assertThat(rows).hasSize(4);
            assertThat(rows).filteredOn(r -> alice.getId().equals(r.get("user_id")))
                    .extracting(r -> r.get("username"), r -> r.get("model"), r -> r.get("requests"), r -> r.get("total_tokens"))
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(alice.getUsername(), "demo-llama", 1, 30),
                            org.assertj.core.groups.Tuple.tuple(alice.getUsername(), "demo-qwen", 2, 300));
            assertThat(rows).filteredOn(r -> carol.getId().equals(r.get("user_id")))
                    .extracting(r -> r.get("requests"), r -> r.get("prompt_tokens"), r -> r.get("completion_tokens"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 3, 3));
        }

        @Test
        @DisplayName("by week and channel: the Monday of each ISO week names it")
        void byWeekAndChannel() {
            assertThat(weeks.usage().totals(query("group_by", "week,channel")))
                    .extracting(r -> r.get("week"), r -> r.get("channel"), r -> r.get("requests"), r -> r.get("total_tokens"))
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(SUNDAY.minusDays(6).toString(), "api", 3, 302),
                            org.assertj.core.groups.Tuple.tuple(SUNDAY.minusDays(6).toString(), "ui", 4, 94),
                            org.assertj.core.groups.Tuple.tuple(MONDAY.toString(), "api", 2, 40));
        }

        @Test
        @DisplayName("top 2 projects by tokens, and by requests; the web UI's rows have no project (null)")
        void topProjects() {
            assertThat(weeks.usage().totals(query("group_by", "project", "top", 2)))
                    .extracting(r -> r.get("project"), r -> r.get("total_tokens"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("astro", 332),
                            org.assertj.core.groups.Tuple.tuple(null, 94));
            assertThat(weeks.usage().totals(query("group_by", "project", "top", 1, "order", "requests")))
                    .extracting(r -> r.get("project"), r -> r.get("requests"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(null, 4));
        }

        @Test
        @DisplayName("CSV (format=csv and Accept: text/csv) parses to the JSON rows, quoting included")
        void csvMatchesJson() {
            Map<String, Object> query = query("group_by", "day,user,project,key,client,model,channel");
            List<Map<String, Object>> json = weeks.usage().totals(query);
            query.put("format", "csv");
            String csv = weeks.usage().report(weeks.usage().adminToken(), "totals", query).then().statusCode(200)
                    .contentType(org.hamcrest.Matchers.startsWith("text/csv")).extract().asString();
            String accepted = io.restassured.RestAssured.given().auth().oauth2(weeks.usage().adminToken())
                    .accept("text/csv").queryParams(query("group_by", "day,user,project,key,client,model,channel"))
                    .get(weeks.usage().adminBase() + "/totals").then().statusCode(200).extract().asString();
            assertThat(accepted).isEqualTo(csv);

            List<List<String>> table = UsageApi.parseCsv(csv);
            List<String> header = table.get(0);
            assertThat(header).containsExactly("day", "user_id", "username", "project", "key_id", "client_id", "model",
                    "channel", "requests", "refused", "prompt_tokens", "completion_tokens", "total_tokens", "logins");
            List<Map<String, Object>> fromCsv = new ArrayList<>();
            for (List<String> line : table.subList(1, table.size())) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    String value = line.get(i);
                    row.put(header.get(i), i >= 8 ? (Object) Integer.parseInt(value) : value.isEmpty() ? null : value);
                }
                fromCsv.add(row);
            }
            assertThat(fromCsv).isEqualTo(json).hasSize(6);
            assertThat(csv).contains("\"bio, \"\"cells\"\"\"");
            // For the record (the run's output shows what an operator downloads).
            System.out.println("Sample usage report, JSON: "
                    + weeks.usage().report(weeks.usage().adminToken(), "totals", query("group_by", "user,model")).asString());
            System.out.println("Sample usage report, CSV:\n" + csv);
        }
    }

    @Nested
    @DisplayName("who may read what")
    class Authorization {

        private String login(UserRepresentation user) {
            return BrowserLogin.accountConsole(keycloak, weeks.name()).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
        }

        @Test
        @DisplayName("an ordinary user gets 403 on the admin reports; a holder of usage-reporter reads them; no token is 401")
        void adminReports() {
            UserRepresentation plain = TestUsers.create(weeks.resource(), "plain");
            for (String report : List.of("totals", "active-users")) {
                weeks.usage().report(login(plain), report, Map.of()).then().statusCode(403).body("error", equalTo("forbidden"));
                io.restassured.RestAssured.given().get(weeks.usage().adminBase() + "/" + report).then().statusCode(401);
            }
            UserRepresentation reporter = TestUsers.create(weeks.resource(), "reporter");
            weeks.resource().users().get(reporter.getId()).roles().realmLevel()
                    .add(List.of(weeks.resource().roles().get("usage-reporter").toRepresentation()));
            weeks.usage().report(login(reporter), "totals", Map.of("from", SUNDAY.toString(), "to", MONDAY.toString()))
                    .then().statusCode(200).body("rows[0].requests", equalTo(9));
            weeks.usage().report(login(reporter), "active-users", Map.of()).then().statusCode(200);
            // Reporting is reading: applying the retention needs manage-realm.
            io.restassured.RestAssured.given().auth().oauth2(login(reporter)).post(weeks.usage().adminBase() + "/purge")
                    .then().statusCode(403);
        }

        @Test
        @DisplayName("/usage/me shows the caller's own usage only, never another's; it cannot be grouped by user; 401 without a token")
        void me() {
            weeks.usage().me(login(bob), Map.of("from", SUNDAY.toString(), "to", MONDAY.toString(), "group_by", "channel"))
                    .then().statusCode(200)
                    .body("rows.size()", equalTo(2))
                    .body("rows[0].channel", equalTo("api")).body("rows[0].requests", equalTo(1)).body("rows[0].total_tokens", equalTo(10))
                    .body("rows[1].channel", equalTo("ui")).body("rows[1].requests", equalTo(3)).body("rows[1].total_tokens", equalTo(90));
            weeks.usage().me(login(alice), Map.of("from", SUNDAY.toString(), "to", MONDAY.toString()))
                    .then().statusCode(200).body("rows[0].requests", equalTo(3)).body("rows[0].total_tokens", equalTo(330));
            weeks.usage().me(login(alice), Map.of("group_by", "user")).then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
            io.restassured.RestAssured.given().get(keycloak.getIssuer(weeks.name()) + "/usage/me").then().statusCode(401);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"from=2026-13-01", "to=yesterday", "from=2026-11-02&to=2026-11-01", "from=2000-01-01&to=2026-01-01",
            "period=year", "group_by=user,user", "group_by=cost", "top=0", "top=1001", "top=ten", "order=cost", "format=xml",
            "limit=5", "from=2026-11-01&from=2026-11-02"})
    @DisplayName("parameters outside the contract are 400 invalid_request")
    void badParameters(String query) {
        String report = query.startsWith("period") ? "active-users" : "totals";
        io.restassured.RestAssured.given().auth().oauth2(weeks.usage().adminToken())
                .get(weeks.usage().adminBase() + "/" + report + "?" + query)
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    @DisplayName("deleting a user moves their rows to a pseudonym: distinct counts stay, the person's id is gone from the table")
    void deletionAnonymises() throws Exception {
        ScratchRealm realm = ScratchRealm.create(keycloak, "usage", Map.of());
        try {
            UserRepresentation gone = TestUsers.create(realm.resource(), "gone");
            UserRepresentation stays = TestUsers.create(realm.resource(), "stays");
            realm.usage().deliver(List.of(UsageApi.apiEntry(SUNDAY, gone.getId(), "KeyGone00001", "astro", "demo-qwen", 2, 2, 2),
                    UsageApi.uiEntry(MONDAY, gone.getId(), "demo-qwen", 1, 1, 1),
                    UsageApi.apiEntry(SUNDAY, stays.getId(), "KeyStays0001", "astro", "demo-qwen", 1, 1, 1)));
            Map<String, String> range = Map.of("from", SUNDAY.toString(), "to", MONDAY.toString(), "period", "week");
            List<Map<String, Object>> before = realm.usage().periods(range);

            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                assertThat(db.count("SELECT COUNT(*) FROM USAGE_DAY WHERE USER_ID = ?", gone.getId())).as("rows before").isPositive();
            }
            realm.resource().users().get(gone.getId()).remove();

            assertThat(realm.usage().periods(range)).isEqualTo(before);
            List<Map<String, Object>> rows = realm.usage().totals(Map.of("from", SUNDAY.toString(), "to", MONDAY.toString(),
                    "group_by", "user"));
            assertThat(rows).extracting(r -> r.get("user_id")).doesNotContain(gone.getId()).contains(stays.getId());
            Map<String, Object> pseudonymous = rows.stream().filter(r -> !stays.getId().equals(r.get("user_id")))
                    .findFirst().orElseThrow();
            assertThat((String) pseudonymous.get("user_id")).startsWith("deleted-");
            assertThat(pseudonymous).containsEntry("username", null).containsEntry("requests", 3).containsEntry("total_tokens", 6);
            try (KeycloakDb db = KeycloakDb.open(keycloak)) {
                assertThat(db.count("SELECT COUNT(*) FROM USAGE_DAY WHERE USER_ID = ?", gone.getId())).isZero();
            }
        } finally {
            realm.close();
        }
    }

    @Test
    @DisplayName("retention: rows older than inference.usage.retentionDays go at the purge; deleting the realm deletes its rows")
    void retentionAndRealmRemoval() throws Exception {
        ScratchRealm realm = ScratchRealm.create(keycloak, "usage", Map.of("inference.usage.retentionDays", "5"));
        UserRepresentation user = TestUsers.create(realm.resource(), "old");
        realm.usage().deliver(List.of(UsageApi.apiEntry(TODAY.minusDays(10), user.getId(), "KeyOld000001", "astro", "m", 1, 1, 1),
                UsageApi.apiEntry(TODAY.minusDays(4), user.getId(), "KeyOld000001", "astro", "m", 2, 2, 2),
                UsageApi.apiEntry(TODAY.minusDays(5), user.getId(), "KeyOld000001", "astro", "m", 4, 4, 4)));
        Map<String, String> byDay = Map.of("from", TODAY.minusDays(20).toString(), "to", TODAY.toString(), "group_by", "day");
        assertThat(realm.usage().totals(byDay)).hasSize(3);

        io.restassured.RestAssured.given().auth().oauth2(realm.usage().adminToken()).post(realm.usage().adminBase() + "/purge")
                .then().statusCode(200).body("deleted_rows", equalTo(2));

        assertThat(realm.usage().totals(byDay)).extracting(r -> r.get("day"), r -> r.get("requests"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TODAY.minusDays(4).toString(), 2));

        String realmId = realm.id();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM USAGE_DAY WHERE REALM_ID = ?", realmId)).as("rows before").isPositive();
            assertThat(db.count("SELECT COUNT(*) FROM USAGE_BATCH WHERE REALM_ID = ?", realmId)).as("batches before").isPositive();
        }
        realm.close();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM REALM WHERE ID = ?", realmId)).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM USAGE_DAY WHERE REALM_ID = ?", realmId)).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM USAGE_BATCH WHERE REALM_ID = ?", realmId)).isZero();
        }
    }
}
