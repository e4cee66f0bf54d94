package org.inferenceauth.it.apikeys;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.inferenceauth.testkit.KeycloakDatabase;
import org.inferenceauth.testkit.KeycloakServer;

/**
 * What Keycloak did to its PostgreSQL database during a measurement, from the server's cumulative
 * statistics ({@code pg_stat_database}, {@code pg_stat_user_tables}) of Keycloak's own database:
 * transactions and rows per call, and which tables were scanned or written. Needs no extension
 * and no server setting (the shared server has no {@code pg_stat_statements}). Counts are
 * approximate: PostgreSQL publishes an idle backend's counters within 10 s, so
 * {@link #snapshot()} waits for that first; the snapshot's own queries add a transaction or two.
 */
final class DatabaseActivity {

    /** An idle PostgreSQL 15 backend publishes its counters within 10 s (at once only if it has not for 1 s). */
    private static final long FLUSH_WAIT_MILLIS = 11_000;

    private final KeycloakDatabase.PostgresDatabase database;

    private DatabaseActivity(KeycloakDatabase.PostgresDatabase database) {
        this.database = database;
    }

    /** Empty unless the server runs on PostgreSQL. */
    static Optional<DatabaseActivity> of(KeycloakServer server) {
        return server.getDatabase() instanceof KeycloakDatabase.PostgresDatabase pg
                ? Optional.of(new DatabaseActivity(pg)) : Optional.empty();
    }

    /** Counters now: database-wide ones under their column name, per table as {@code table.counter}. */
    Map<String, Long> snapshot() throws SQLException, InterruptedException {
        Thread.sleep(FLUSH_WAIT_MILLIS);
        Map<String, Long> counters = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement statement = connection.createStatement()) {
            try (ResultSet row = statement.executeQuery("SELECT xact_commit, xact_rollback, tup_returned, tup_fetched,"
                    + " tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
                row.next();
                for (int c = 1; c <= row.getMetaData().getColumnCount(); c++) {
                    counters.put(row.getMetaData().getColumnName(c), row.getLong(c));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT relname, seq_scan, COALESCE(idx_scan, 0) AS idx_scan,"
                    + " n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")) {
                while (rows.next()) {
                    for (int c = 2; c <= rows.getMetaData().getColumnCount(); c++) {
                        counters.put(rows.getString(1) + "." + rows.getMetaData().getColumnName(c), rows.getLong(c));
                    }
                }
            }
        }
        return counters;
    }

    /** The counters that changed between two snapshots, per call, as report lines. */
    static String perCall(Map<String, Long> before, Map<String, Long> after, int calls) {
        Map<String, Double> changed = new LinkedHashMap<>();
        after.forEach((name, value) -> {
            long delta = value - before.getOrDefault(name, 0L);
            if (delta != 0) {
                changed.put(name, (double) delta / calls);
            }
        });
        StringBuilder lines = new StringBuilder();
        changed.forEach((name, value) -> lines.append(String.format("    %-40s %8.2f per call%n", name, value)));
        return lines.length() == 0 ? "    (no change)\n" : lines.toString();
    }
}
