package org.inferenceauth.it.scale;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.inferenceauth.it.apikeys.KeycloakDb;
import org.inferenceauth.testkit.KeycloakDatabase;
import org.inferenceauth.testkit.KeycloakServer;

/**
 * What Keycloak spends, read from outside: the CPU time of its process tree (from /proc, the child
 * process the testkit started; its pid file is in the distribution), the HTTP requests it counted
 * (its Micrometer metrics on the management port) and, on PostgreSQL, the transactions and rows its
 * database served ({@code pg_stat_database}). A sample is a reading of the counters; two samples
 * make the rates of a window.
 */
final class KeycloakLoad {

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    record Sample(long nanos, double cpuSeconds, double httpRequests, long transactions, long rowsRead) {}

    record Rates(double seconds, double cpuCores, double requestsPerSecond, double transactionsPerSecond,
                 double rowsReadPerSecond) {
        String describe(boolean postgres) {
            return String.format(java.util.Locale.ROOT, "%.1f s: Keycloak CPU %.2f cores, %.1f HTTP req/s%s", seconds,
                    cpuCores, requestsPerSecond, postgres ? String.format(java.util.Locale.ROOT,
                            ", PostgreSQL %.0f transactions/s, %.0f rows read/s", transactionsPerSecond, rowsReadPerSecond)
                            : " (H2: no database counters)");
        }
    }

    private final KeycloakServer keycloak;
    private final KeycloakDb db;
    private final long pid;
    private final HttpClient http = HttpClient.newHttpClient();

    KeycloakLoad(KeycloakServer keycloak, KeycloakDb db) throws IOException {
        this.keycloak = keycloak;
        this.db = db;
        Path pidFile = Path.of(System.getProperty("keycloak.dist")).resolve("keycloak.pid");
        this.pid = Long.parseLong(Files.readString(pidFile).trim());
    }

    boolean postgres() {
        return keycloak.getDatabase() instanceof KeycloakDatabase.PostgresDatabase;
    }

    Sample sample() throws Exception {
        long transactions = 0;
        long rows = 0;
        if (postgres()) {
            try (Statement statement = db.connection().createStatement();
                 ResultSet rs = statement.executeQuery("SELECT xact_commit + xact_rollback, tup_fetched + tup_returned"
                         + " FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                transactions = rs.getLong(1);
                rows = rs.getLong(2);
            }
        }
        return new Sample(System.nanoTime(), cpuSeconds(), httpRequests(), transactions, rows);
    }

    static Rates between(Sample from, Sample to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        return new Rates(seconds, (to.cpuSeconds() - from.cpuSeconds()) / seconds,
                (to.httpRequests() - from.httpRequests()) / seconds, (to.transactions() - from.transactions()) / seconds,
                (to.rowsRead() - from.rowsRead()) / seconds);
    }

    /** utime + stime of the process and its descendants (kc.sh may run java as a child). */
    private double cpuSeconds() {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(root -> {
            tree.add(root);
            root.descendants().forEach(tree::add);
        });
        if (tree.isEmpty()) {
            throw new IllegalStateException("Keycloak's process " + pid + " is gone");
        }
        long ticks = 0;
        for (ProcessHandle process : tree) {
            ticks += stat(process.pid()).orElse(0L);
        }
        return ticks / TICKS;
    }

    private static Optional<Long> stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12])); // utime, stime
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a process that just ended
        }
    }

    /** The sum of Keycloak's {@code http_server_requests_seconds_count} series, NaN without metrics. */
    private double httpRequests() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(keycloak.getManagementUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Double.NaN;
        }
        return response.body().lines().filter(line -> line.startsWith("http_server_requests_seconds_count"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    static String machineLoad() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
