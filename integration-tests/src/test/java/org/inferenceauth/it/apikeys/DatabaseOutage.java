package org.inferenceauth.it.apikeys;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.inferenceauth.testkit.KeycloakDatabase;
import org.inferenceauth.testkit.KeycloakServer;

/**
 * Keycloak's database made unreachable while Keycloak runs, until {@link #close()}: its open
 * connections are cut and new ones refused, as when the database server restarts or the network
 * to it fails. PostgreSQL: the database stops allowing connections (this applies to superusers
 * too) and Keycloak's sessions are terminated. H2: the database goes into exclusive mode 2, which
 * closes every other session and refuses new ones until this one leaves it.
 */
final class DatabaseOutage implements AutoCloseable {

    private final Connection control;
    private final String restore;

    private DatabaseOutage(Connection control, String restore) {
        this.control = control;
        this.restore = restore;
    }

    static DatabaseOutage begin(KeycloakServer server) throws Exception {
        if (server.getDatabase() instanceof KeycloakDatabase.PostgresDatabase pg) {
            Connection maintenance = DriverManager.getConnection(
                    "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres", pg.user(), pg.password());
            execute(maintenance, "ALTER DATABASE " + pg.name() + " ALLOW_CONNECTIONS false");
            execute(maintenance, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + pg.name() + "'");
            return new DatabaseOutage(maintenance, "ALTER DATABASE " + pg.name() + " ALLOW_CONNECTIONS true");
        }
        KeycloakDb db = KeycloakDb.open(server);
        db.execute("SET EXCLUSIVE 2");
        return new DatabaseOutage(db.connection(), "SET EXCLUSIVE 0");
    }

    /** Ends the outage: Keycloak may connect again. */
    @Override
    public void close() throws SQLException {
        try {
            execute(control, restore);
        } finally {
            control.close();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
