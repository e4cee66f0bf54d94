package org.inferenceauth.it.apikeys;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.inferenceauth.testkit.KeycloakDatabase;
import org.inferenceauth.testkit.KeycloakServer;

/**
 * The running server's live database, to read what Keycloak stored and to change it behind its
 * back. PostgreSQL: a JDBC connection. H2: the testkit runs Keycloak's H2 in mixed mode, so this
 * connection (H2 driver of the distribution) reaches the file Keycloak holds through H2's own
 * loopback server and sees every committed change at once.
 */
public final class KeycloakDb implements AutoCloseable {

    private final Connection connection;

    private KeycloakDb(Connection connection) {
        this.connection = connection;
    }

    /** The database, live; also while the server is stopped (then this connection holds the H2 file: close it before a start). */
    public static KeycloakDb open(KeycloakServer server) throws Exception {
        if (server.getDatabase() instanceof KeycloakDatabase.PostgresDatabase pg) {
            return new KeycloakDb(DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()));
        }
        if (server.getDatabase() instanceof KeycloakDatabase.H2Database h2) {
            Path dist = Path.of(System.getProperty("keycloak.dist"));
            return new KeycloakDb(h2(dist, h2.jdbcUrl(dist)));
        }
        throw new IllegalStateException("no database view for " + server.getDatabase());
    }

    /** The connection itself, for a caller that keeps it (see {@link DatabaseOutage}). */
    public Connection connection() {
        return connection;
    }

    public void execute(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            statement.execute();
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private static Driver h2Driver;

    private static synchronized Connection h2(Path dist, String url) throws Exception {
        if (h2Driver == null) {
            h2Driver = h2Driver(dist);
        }
        Properties credentials = new Properties();
        credentials.put("user", ""); // Keycloak's dev-file database has an unnamed admin without password
        credentials.put("password", "");
        return h2Driver.connect(url, credentials);
    }

    private static Driver h2Driver(Path dist) throws Exception {
        Path h2Jar;
        try (Stream<Path> jars = Files.list(dist.resolve("lib/lib/main"))) {
            h2Jar = jars.filter(p -> p.getFileName().toString().startsWith("com.h2database.h2-")).findFirst().orElseThrow();
        }
        ClassLoader loader = new URLClassLoader(new URL[] {h2Jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        return (Driver) loader.loadClass("org.h2.Driver").getConstructor().newInstance();
    }

    public long count(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    public String text(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** The first column of every row. */
    public List<String> texts(String sql, Object... params) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = prepare(sql, params); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** "TABLE.COLUMN" (upper case on every database) of every value in every table of the schema that contains {@code needle}. */
    public List<String> whereContains(String needle) throws SQLException {
        List<String> hits = new ArrayList<>();
        for (String table : tables()) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT * FROM " + quote(table))) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    for (int c = 1; c <= columns; c++) {
                        Object value = rows.getObject(c);
                        String text = value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                                : value == null ? null : value.toString();
                        if (text != null && text.contains(needle)) {
                            hits.add((table + "." + rows.getMetaData().getColumnName(c)).toUpperCase(java.util.Locale.ROOT));
                        }
                    }
                }
            }
        }
        return hits;
    }

    public List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, schema(), "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    /** The delete rule of the foreign key from {@code table}.{@code column}, or null if there is none. */
    public Integer deleteRule(String table, String column) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : List.of(table, table.toLowerCase())) {
            try (ResultSet keys = meta.getImportedKeys(null, schema(), name)) {
                while (keys.next()) {
                    if (keys.getString("FKCOLUMN_NAME").equalsIgnoreCase(column)) {
                        return keys.getInt("DELETE_RULE");
                    }
                }
            }
        }
        return null;
    }

    private String schema() throws SQLException {
        return connection.getMetaData().getURL().startsWith("jdbc:h2:") ? "PUBLIC" : "public";
    }

    private String quote(String table) {
        return "\"" + table + "\"";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
