package org.inferenceauth.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The database a {@link KeycloakServer} runs on, with the command-line options that select it. */
public interface KeycloakDatabase {

    /** Keycloak options that point the server at this database. */
    List<String> options();

    /** Whether the server runs in development mode (embedded H2) or production mode. */
    boolean devMode();

    /** Creates what the server needs before it starts. */
    default void create() {}

    /** Removes what {@link #create()} made, after the server has stopped. */
    default void drop() {}

    /**
     * Keycloak's embedded dev database; its files live in the distribution's {@code data/} folder.
     * In H2's mixed mode ({@code AUTO_SERVER}), so that tests can read and change the live database
     * while Keycloak holds it (see {@link H2Database#jdbcUrl}).
     */
    static KeycloakDatabase h2() {
        return new H2Database();
    }

    /**
     * A PostgreSQL database of its own on a running server, created before start and dropped after
     * stop, so that runs never see each other's data.
     */
    static KeycloakDatabase postgres(String host, int port, String user, String password) {
        return new PostgresDatabase(host, port, user, password,
                "kc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    /**
     * This database, made and removed by its owner: for a second server (a cluster node) that shares
     * the first one's database and must neither create it again nor drop it when it stops.
     */
    default KeycloakDatabase shared() {
        return new Shared(this);
    }

    /** Selects a database by name: {@code h2} or {@code postgres}. */
    static KeycloakDatabase named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "h2", "dev-file", "" -> h2();
            case "postgres", "postgresql" -> postgres(
                    System.getProperty("keycloak.db.host", "127.0.0.1"),
                    Integer.getInteger("keycloak.db.port", 5432),
                    System.getProperty("keycloak.db.username", "postgres"),
                    System.getProperty("keycloak.db.password", ""));
            default -> throw new IllegalArgumentException(
                    "Unknown keycloak.db '" + name + "': use h2 or postgres");
        };
    }

    /** See {@link KeycloakDatabase#postgres}. */
    record PostgresDatabase(String host, int port, String user, String password, String name)
            implements KeycloakDatabase {

        @Override
        public List<String> options() {
            var options = new java.util.ArrayList<>(List.of(
                    "--db=postgres",
                    "--db-url=jdbc:postgresql://" + host + ":" + port + "/" + name,
                    "--db-username=" + user));
            if (!password.isEmpty()) {
                options.add("--db-password=" + password);
            }
            return options;
        }

        @Override public boolean devMode() { return false; }

        @Override
        public void create() {
            execute("CREATE DATABASE " + name);
        }

        @Override
        public void drop() {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }

        private void execute(String sql) {
            String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
            try (Connection connection = DriverManager.getConnection(url, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused: " + sql, e);
            }
        }

        /** JDBC URL of the database, for tests that inspect what Keycloak stored. */
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        @Override public String toString() { return "postgres(" + name + ")"; }
    }

    /** See {@link KeycloakDatabase#shared}. */
    record Shared(KeycloakDatabase owner) implements KeycloakDatabase {
        @Override public List<String> options() { return owner.options(); }

        @Override public boolean devMode() { return owner.devMode(); }

        @Override public String toString() { return owner + " (shared)"; }
    }

    /** See {@link KeycloakDatabase#h2}. */
    record H2Database() implements KeycloakDatabase {

        /**
         * H2's mixed mode: the first process to open the file serves it to later ones over loopback
         * TCP. H2 allows it only with closing on JVM exit (Keycloak's default for dev-file is not to).
         */
        static final String MIXED_MODE = ";AUTO_SERVER=TRUE;DB_CLOSE_ON_EXIT=TRUE";

        @Override
        public List<String> options() {
            return List.of("--db-url-properties=" + MIXED_MODE);
        }

        @Override public boolean devMode() { return true; }

        /**
         * JDBC URL of the database of the distribution at {@code distribution}, for tests that inspect
         * what Keycloak stored; use the H2 driver of that distribution (same file format).
         */
        public String jdbcUrl(java.nio.file.Path distribution) {
            return "jdbc:h2:file:" + distribution.resolve("data/h2/keycloakdb").toAbsolutePath() + ";NON_KEYWORDS=VALUE" + MIXED_MODE;
        }

        @Override public String toString() { return "h2"; }
    }
}
