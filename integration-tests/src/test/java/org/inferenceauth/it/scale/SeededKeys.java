package org.inferenceauth.it.scale;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.inferenceauth.it.apikeys.KeycloakDb;

/**
 * Many real keys in Keycloak's database, made in seconds: copies of one user minted through the API
 * (its user row and role mappings) and of one of its keys (credential and index row), with new ids,
 * {@value #KEYS_PER_USER} keys per copied user as the realm allows. A re-check of their ids costs
 * Keycloak what real keys cost (index row, owner, credential, roles, project); unknown ids would cost
 * one index miss each and be answered inactive at once. Everything seeded carries the id prefix
 * {@value #PREFIX} and goes in {@link #remove}, so later tests of the run see the realm as before.
 */
final class SeededKeys {

    static final int KEYS_PER_USER = 25;
    /** Ids of seeded rows start with it: 12 base62 characters in all for key ids, as the format wants. */
    static final String PREFIX = "sim";

    record Key(String keyId, String userId) {}

    private SeededKeys() {}

    /** Copies {@code templateUserId} and its key {@code templateKeyId} into {@code count} keys. */
    static List<Key> seed(KeycloakDb db, String templateUserId, String templateKeyId, int count) throws SQLException {
        Connection c = db.connection();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        List<Key> keys = new ArrayList<>(count);
        try (PreparedStatement user = c.prepareStatement(copy(c, "USER_ENTITY", "ID",
                     List.of("ID", "USERNAME", "EMAIL", "EMAIL_CONSTRAINT")));
             PreparedStatement roles = c.prepareStatement(
                     "INSERT INTO USER_ROLE_MAPPING (ROLE_ID, USER_ID) SELECT ROLE_ID, ? FROM USER_ROLE_MAPPING WHERE USER_ID = ?");
             PreparedStatement credential = c.prepareStatement(copy(c, "CREDENTIAL", "ID", List.of("ID", "USER_ID")));
             PreparedStatement index = c.prepareStatement(copy(c, "PROJECT_API_KEY", "KEY_ID",
                     List.of("KEY_ID", "CREDENTIAL_ID", "USER_ID", "NAME")))) {
            String userId = null;
            for (int i = 0; i < count; i++) {
                if (i % KEYS_PER_USER == 0) {
                    userId = PREFIX + "-user-" + i;
                    String name = PREFIX + "-" + i;
                    bind(user, userId, name, name + "@example.edu", name + "@example.edu", templateUserId);
                    user.addBatch();
                    bind(roles, userId, templateUserId);
                    roles.addBatch();
                }
                String keyId = String.format(Locale.ROOT, "%s%09d", PREFIX, i);
                bind(credential, keyId, userId, templateKeyId);
                credential.addBatch();
                bind(index, keyId, keyId, userId, "sim-key-" + i, templateKeyId);
                index.addBatch();
                keys.add(new Key(keyId, userId));
                if ((i + 1) % 5000 == 0 || i == count - 1) { // parents before children: the foreign keys check
                    user.executeBatch();
                    roles.executeBatch();
                    credential.executeBatch();
                    index.executeBatch();
                }
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return keys;
    }

    /** Deletes every seeded row (index rows go with their credentials). */
    static void remove(KeycloakDb db) throws SQLException {
        String like = PREFIX + "%";
        db.execute("DELETE FROM CREDENTIAL WHERE ID LIKE ? AND USER_ID LIKE ?", like, PREFIX + "-user-%");
        db.execute("DELETE FROM USER_ROLE_MAPPING WHERE USER_ID LIKE ?", PREFIX + "-user-%");
        db.execute("DELETE FROM USER_ENTITY WHERE ID LIKE ?", PREFIX + "-user-%");
    }

    /**
     * {@code INSERT INTO t (all columns) SELECT ?, …, other columns FROM t WHERE key = ?}: the listed
     * columns take the bound values in that order, the others the template row's.
     */
    private static String copy(Connection c, String table, String key, List<String> replaced) throws SQLException {
        List<String> columns = new ArrayList<>();
        String name = c.getMetaData().storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
        try (ResultSet rs = c.getMetaData().getColumns(null, null, name, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toUpperCase(Locale.ROOT));
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("no columns found for table " + table);
        }
        List<String> ordered = new ArrayList<>(replaced);
        columns.stream().filter(col -> !replaced.contains(col)).forEach(ordered::add);
        List<String> values = new ArrayList<>();
        ordered.forEach(col -> values.add(replaced.contains(col) ? "?" : col));
        return "INSERT INTO " + table + " (" + String.join(", ", ordered) + ") SELECT " + String.join(", ", values)
                + " FROM " + table + " WHERE " + key + " = ?";
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }
}
