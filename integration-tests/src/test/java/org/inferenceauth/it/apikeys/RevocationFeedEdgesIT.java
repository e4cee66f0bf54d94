package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The feed at its edges: full pages, the retention purge, a cursor from before the feed table was
 * re-created. Entries are written straight into the feed table with the times a test needs (a
 * thousand revocations through the API would take minutes; an entry's age decides whether it is
 * replayed or purged), in scratch realms so that nothing else reads them.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The revocation feed's edges: pages, per-realm retention, a re-created table, a deleted realm")
class RevocationFeedEdgesIT {

    private static final long ONE_DAY = Duration.ofDays(1).toSeconds();

    private KeycloakServer keycloak;
    private ScratchRealm paged;
    private ScratchRealm shortRetention;
    private ScratchRealm longRetention;

    @BeforeAll
    void realms(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        paged = ScratchRealm.create(keycloak, "feed-paged", Map.of());
        shortRetention = ScratchRealm.create(keycloak, "feed-short", Map.of(
                "inference.apikey.revocationRetentionSeconds", Long.toString(ONE_DAY)));
        longRetention = ScratchRealm.create(keycloak, "feed-long", Map.of());
    }

    @AfterAll
    void removeRealms() {
        for (ScratchRealm realm : new ScratchRealm[] {paged, shortRetention, longRetention}) {
            if (realm != null) {
                realm.close();
            }
        }
    }

    @Test
    @DisplayName("2,345 entries come in pages of 1000, 1000 and 345, each once, in order, the cursor always moving on")
    void pages() throws Exception {
        ApiKeysApi api = paged.api();
        String cursor = api.cursor();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 2345; i++) {
            written.add(String.format("paged%07d", i));
        }
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, paged.id(), written, hoursAgo(1));
        }

        List<Integer> pageSizes = new ArrayList<>();
        List<String> read = new ArrayList<>();
        while (true) {
            JsonPath page = api.revocations(cursor).then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("events.key_id");
            if (ids.isEmpty()) {
                break;
            }
            pageSizes.add(ids.size());
            read.addAll(ids);
            String next = page.getString("cursor");
            assertThat(Long.parseLong(next)).as("the cursor moves past a page of settled entries").isGreaterThan(Long.parseLong(cursor));
            cursor = next;
        }
        assertThat(pageSizes).containsExactly(1000, 1000, 345);
        assertThat(read).isEqualTo(written);
    }

    @Test
    @DisplayName("a realm's feed carries its own realm's entries only")
    void feedIsPerRealm() throws Exception {
        String cursor = longRetention.api().cursor();
        // A realm of its own for the foreign entry, so the other tests' realms hold only what they wrote.
        try (ScratchRealm other = ScratchRealm.create(keycloak, "feed-other", Map.of());
             KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, other.id(), List.of("otherRealm01"), hoursAgo(1));
            append(db, longRetention.id(), List.of("ownRealm0001"), hoursAgo(1));
            List<String> read = longRetention.api().revocations(cursor).then().statusCode(200)
                    .extract().jsonPath().getList("events.key_id");
            assertThat(read).containsExactly("ownRealm0001");
        }
    }

    @Test
    @DisplayName("each realm purges its own entries by its own retention, and the newest entry of the table always stays")
    void retentionIsPerRealm() throws Exception {
        long twoDaysAgo = Instant.now().getEpochSecond() - 2 * ONE_DAY;
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, longRetention.id(), List.of("keptLong0001", "keptLong0002"), twoDaysAgo);
            append(db, shortRetention.id(), List.of("purged000001", "purged000002", "newestOfAll1"), twoDaysAgo);
            assertThat(keyIds(db, shortRetention)).as("before the purge").hasSize(3);

            shortRetention.api().revocations("0").then().statusCode(200); // a read of the realm's feed runs its purge

            assertThat(keyIds(db, shortRetention)).as("entries older than the realm's day, but for the table's newest")
                    .containsExactly("newestOfAll1");
            assertThat(keyIds(db, longRetention)).as("another realm's entries of the same age, within its 7 days")
                    .contains("keptLong0001", "keptLong0002");
        }
    }

    @Test
    @DisplayName("a cursor beyond the newest entry (the table was re-created since) answers reset and the feed from its start")
    void resetAfterRecreatedTable() throws Exception {
        ApiKeysApi api = longRetention.api();
        long newest;
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, longRetention.id(), List.of("afterReset01", "afterReset02"), hoursAgo(1));
            newest = db.count("SELECT MAX(ID) FROM PROJECT_API_KEY_REVOCATION");
        }

        JsonPath fromStart = api.revocations("0").then().statusCode(200).extract().jsonPath();
        JsonPath beyond = api.revocations(Long.toString(newest + 5000)).then().statusCode(200).extract().jsonPath();
        assertThat(beyond.getBoolean("reset")).isTrue();
        assertThat(beyond.getList("events")).as("every entry of the (new) table").isEqualTo(fromStart.getList("events"));
        assertThat(beyond.<String>getList("events.key_id")).contains("afterReset01", "afterReset02");
        assertThat(beyond.getString("cursor")).isEqualTo(fromStart.getString("cursor"));

        JsonPath atNewest = api.revocations(Long.toString(newest)).then().statusCode(200).extract().jsonPath();
        assertThat(atNewest.getMap("")).as("the newest entry's own id is a valid cursor").doesNotContainKey("reset");
        assertThat(atNewest.getList("events")).isEmpty();
    }

    @Test
    @DisplayName("a deleted realm's entries are deleted with it; other realms' entries and their cursors stay")
    void deletedRealmsEntriesGo() throws Exception {
        ScratchRealm doomed = ScratchRealm.create(keycloak, "feed-gone", Map.of());
        String doomedId = doomed.id();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, doomedId, List.of("goneKey00001", "goneKey00002"), hoursAgo(1));
            append(db, longRetention.id(), List.of("staysKey0001"), hoursAgo(1)); // the table's newest: not the doomed realm's
            assertThat(db.texts("SELECT KEY_ID FROM PROJECT_API_KEY_REVOCATION WHERE REALM_ID = ?", doomedId)).hasSize(2);

            doomed.close();

            assertThat(db.texts("SELECT KEY_ID FROM PROJECT_API_KEY_REVOCATION WHERE REALM_ID = ?", doomedId)).isEmpty();
            assertThat(keyIds(db, longRetention)).contains("staysKey0001");
        }
        String cursor = longRetention.api().cursor();
        assertThat(longRetention.api().revocations(cursor).then().statusCode(200).extract().jsonPath().getMap(""))
                .as("the other realm's cursor is still valid: no reset").doesNotContainKey("reset");
    }

    @Test
    @DisplayName("a deleted realm whose entry is the feed's newest leaves that one entry: another realm's gateway, whose "
            + "cursor is that entry's id, gets no reset")
    void deletedRealmKeepsTheFeedsNewest() throws Exception {
        ScratchRealm doomed = ScratchRealm.create(keycloak, "feed-gone-newest", Map.of());
        String doomedId = doomed.id();
        ApiKeysApi other = longRetention.api();
        String cursor;
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            append(db, longRetention.id(), List.of("beforeGone01"), hoursAgo(1));
            append(db, doomedId, List.of("goneOlder001", "goneNewest01"), hoursAgo(1));
            long newest = db.count("SELECT MAX(ID) FROM PROJECT_API_KEY_REVOCATION");
            assertThat(db.text("SELECT KEY_ID FROM PROJECT_API_KEY_REVOCATION WHERE ID = ?", newest))
                    .as("the doomed realm holds the feed's newest entry").isEqualTo("goneNewest01");
            cursor = other.cursor(); // settled entries of every realm: a new reader starts at the newest
            assertThat(Long.parseLong(cursor)).isEqualTo(newest);

            doomed.close();

            assertThat(db.texts("SELECT KEY_ID FROM PROJECT_API_KEY_REVOCATION WHERE REALM_ID = ?", doomedId))
                    .as("the realm's entries are gone but for the feed's newest").containsExactly("goneNewest01");
        }
        // Had the newest entry gone, this cursor would be beyond the feed and every reader of every realm
        // would be told the feed was re-created.
        assertThat(other.revocations(cursor).then().statusCode(200).extract().jsonPath().getMap(""))
                .as("a cursor at the deleted realm's newest entry is still valid").doesNotContainKey("reset");
    }

    private static long hoursAgo(int hours) {
        return Instant.now().getEpochSecond() - hours * 3600L;
    }

    /** Writes one key_revoked entry per key id, in order, with the given creation time (epoch seconds). */
    static void append(KeycloakDb db, String realmId, List<String> keyIds, long createdAt) throws Exception {
        try (PreparedStatement insert = db.connection().prepareStatement(
                "INSERT INTO PROJECT_API_KEY_REVOCATION (REALM_ID, TYPE, KEY_ID, USER_ID, CREATED_AT)"
                        + " VALUES (?, 'key_revoked', ?, 'edge-test-user', ?)")) {
            for (String keyId : keyIds) {
                insert.setString(1, realmId);
                insert.setString(2, keyId);
                insert.setLong(3, createdAt);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static List<String> keyIds(KeycloakDb db, ScratchRealm realm) throws Exception {
        return db.texts("SELECT KEY_ID FROM PROJECT_API_KEY_REVOCATION WHERE REALM_ID = ? ORDER BY ID", realm.id());
    }
}
