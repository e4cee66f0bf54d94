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
 * Read access to the running server's database. PostgreSQL: a JDBC connection. H2: Keycloak holds
 * the file lock, so we open a copy of the file with the H2 driver shipped in the distribution; a
 * copy may lag the server by H2's write delay, so callers wait for a row they expect first.
 */
public final class KeycloakDb implements AutoCloseable {

    private final Connection connection;
    private final Path copy;

    private KeycloakDb(Connection connection, Path copy) {
        this.connection = connection;
        this.copy = copy;
    }

    public static KeycloakDb open(KeycloakServer server) throws Exception {
        if (server.getDatabase() instanceof KeycloakDatabase.PostgresDatabase pg) {
            return new KeycloakDb(DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()), null);
        }
        Path dist = Path.of(System.getProperty("keycloak.dist"));
        Path copyDir = Files.createTempDirectory("keycloak-h2-copy");
        Files.copy(dist.resolve("data/h2/keycloakdb.mv.db"), copyDir.resolve("keycloakdb.mv.db"));
        return new KeycloakDb(h2(dist, copyDir.resolve("keycloakdb")), copyDir);
    }

    /** The database itself, for changes; only while the server is stopped (H2 allows one process). */
    static KeycloakDb openForWriting(KeycloakServer server) throws Exception {
        if (server.isRunning()) {
            throw new IllegalStateException("stop the server first");
        }
        if (server.getDatabase() instanceof KeycloakDatabase.PostgresDatabase pg) {
            return new KeycloakDb(DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()), null);
        }
        Path dist = Path.of(System.getProperty("keycloak.dist"));
        return new KeycloakDb(h2(dist, dist.resolve("data/h2/keycloakdb")), null);
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection h2(Path dist, Path database) throws Exception {
        Path h2Jar;
        try (Stream<Path> jars = Files.list(dist.resolve("lib/lib/main"))) {
            h2Jar = jars.filter(p -> p.getFileName().toString().startsWith("com.h2database.h2-")).findFirst().orElseThrow();
        }
        ClassLoader loader = new URLClassLoader(new URL[] {h2Jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Driver driver = (Driver) loader.loadClass("org.h2.Driver").getConstructor().newInstance();
        Properties credentials = new Properties();
        credentials.put("user", ""); // Keycloak's dev-file database has an unnamed admin without password
        credentials.put("password", "");
        return driver.connect("jdbc:h2:file:" + database + ";NON_KEYWORDS=VALUE", credentials);
    }

    /** Opens snapshots until {@code ready} holds (H2 copies lag the server by up to its write delay). */
    public static KeycloakDb openWhen(KeycloakServer server, SqlPredicate ready) throws Exception {
        for (int attempt = 0; ; attempt++) {
            KeycloakDb db = open(server);
            if (ready.test(db) || attempt == 20) {
                return db;
            }
            db.close();
            Thread.sleep(500);
        }
    }

    public interface SqlPredicate {
        boolean test(KeycloakDb db) throws SQLException;
    }

    public long count(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    String text(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** "TABLE.COLUMN" (upper case on every database) of every value in every table of the schema that contains {@code needle}. */
    List<String> whereContains(String needle) throws SQLException {
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

    List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, schema(), "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    /** The delete rule of the foreign key from {@code table}.{@code column}, or null if there is none. */
    Integer deleteRule(String table, String column) throws SQLException {
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
    public void close() throws Exception {
        connection.close();
        if (copy != null) {
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
