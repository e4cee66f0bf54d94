package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.DatabaseMetaData;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.usage.UsageApi;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Keys are stored as digests only, indexed by a table that Keycloak's deletions cascade to")
class KeyStorageIT {

    private KeycloakServer keycloak;
    private ApiKeysApi api;
    private RealmResource realm;
    private UserRepresentation user;

    @BeforeEach
    void user(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        api = ApiKeysApi.inference(keycloak);
        realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        user = TestUsers.create(realm, "stored");
    }

    static String digest(String key) throws Exception {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("after minting, no table holds the key or its secret; the digest and the index row are there")
    void noPlaintextInDatabase() throws Exception {
        String key = api.mint(api.login(user), "scanned");
        String keyId = key.substring(3, 15);
        String secret = key.substring(15, 47);

        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE KEY_ID = ?", keyId)).isEqualTo(1);
            assertThat(db.text("SELECT SECRET_DATA FROM CREDENTIAL WHERE ID = ?", keyId))
                    .as("the credential's secret data is the SHA-256 digest").contains(digest(key));
            assertThat(db.whereContains(keyId)).as("positive control: the scan sees our rows")
                    .contains("PROJECT_API_KEY.KEY_ID");
            assertThat(db.whereContains(secret)).isEmpty();
            assertThat(db.whereContains(key)).isEmpty();
        }
    }

    @Test
    @DisplayName("the Keycloak log never contains a key or its secret")
    void noSecretInLog() throws Exception {
        String token = api.login(user);
        String key = api.mint(token, "logged");
        api.introspect(key);
        api.introspect(key + "x");
        String secret = key.substring(15, 47);

        String log = Files.readString(keycloak.getLogFile());
        assertThat(log).isNotEmpty().doesNotContain(secret).doesNotContain(token);
        assertThat(java.util.regex.Pattern.compile("\\b[a-z][a-z0-9]{1,9}_[0-9A-Za-z]{50}\\b").matcher(log).find())
                .as("no API key of any test so far appears in the log").isFalse();
    }

    @Test
    @DisplayName("the index has a foreign key to CREDENTIAL with ON DELETE CASCADE")
    void cascadingForeignKey() throws Exception {
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.deleteRule("PROJECT_API_KEY", "CREDENTIAL_ID")).isEqualTo(DatabaseMetaData.importedKeyCascade);
        }
    }

    @Test
    @DisplayName("deleting the credential in the admin console deletes the index row (cascade)")
    void adminDeleteCascades() throws Exception {
        String key = api.mint(api.login(user), "cascaded");
        String keyId = key.substring(3, 15);
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM CREDENTIAL WHERE ID = ?", keyId)).as("the credential before").isEqualTo(1);
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE KEY_ID = ?", keyId)).as("the index row before").isEqualTo(1);

            realm.users().get(user.getId()).removeCredential(keyId);

            assertThat(db.count("SELECT COUNT(*) FROM CREDENTIAL WHERE ID = ?", keyId)).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE KEY_ID = ?", keyId)).isZero();
        }
    }

    @Test
    @DisplayName("deleting the user deletes the index rows of all their keys (cascade)")
    void userDeleteCascades() throws Exception {
        String token = api.login(user);
        api.mint(token, "one");
        api.mint(token, "two");
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE USER_ID = ?", user.getId()))
                    .as("the index rows before").isEqualTo(2);

            realm.users().delete(user.getId()).close();

            assertThat(db.count("SELECT COUNT(*) FROM USER_ENTITY WHERE ID = ?", user.getId())).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE USER_ID = ?", user.getId())).isZero();
        }
    }

    @Test
    @DisplayName("introspection writes no last use; delivered usage writes it to our table (never back in time), never to CREDENTIAL")
    void lastUsedInOwnTable() throws Exception {
        String key = api.mint(api.login(user), "used");
        String keyId = key.substring(3, 15);
        String credentialBefore;
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE KEY_ID = ? AND LAST_USED_AT IS NULL", keyId))
                    .as("never used yet").isEqualTo(1);
            credentialBefore = db.text("SELECT CREDENTIAL_DATA FROM CREDENTIAL WHERE ID = ?", keyId);
        }
        assertThat(api.isActive(key)).isTrue();
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT COUNT(*) FROM PROJECT_API_KEY WHERE KEY_ID = ? AND LAST_USED_AT IS NULL", keyId))
                    .as("introspection (cached by gateways) does not count as use").isEqualTo(1);
        }
        long usedAt = java.time.Instant.now().getEpochSecond() - 60;
        UsageApi usage = UsageApi.inference(keycloak);
        usage.deliver(List.of(used(keyId, usedAt)));
        usage.deliver(List.of(used(keyId, usedAt - 3600))); // a late batch of older use
        try (KeycloakDb db = KeycloakDb.open(keycloak)) {
            assertThat(db.count("SELECT LAST_USED_AT FROM PROJECT_API_KEY WHERE KEY_ID = ?", keyId)).isEqualTo(usedAt);
            assertThat(db.text("SELECT CREDENTIAL_DATA FROM CREDENTIAL WHERE ID = ?", keyId)).isEqualTo(credentialBefore);
        }
    }

    private Map<String, Object> used(String keyId, long at) {
        Map<String, Object> entry = UsageApi.apiEntry(java.time.LocalDate.now(java.time.ZoneOffset.UTC), user.getId(),
                keyId, "personal", "demo-qwen", 1, 1, 1);
        entry.put("last_used", at);
        return entry;
    }
}
