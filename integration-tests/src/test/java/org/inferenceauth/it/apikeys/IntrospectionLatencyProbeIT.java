package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A MEASUREMENT, not a test of speed: 1,000 sequential introspection calls over one keep-alive
 * connection on loopback (gateway authenticated by client secret, then by its service-account
 * bearer token), then 4 clients in parallel, each after a warm-up. Prints p50/p99 and
 * throughput and writes them to {@code target/introspection-latency-<db>.txt}, with the machine's
 * load and, on PostgreSQL, Keycloak's database activity per call ({@link DatabaseActivity}). It
 * asserts only that every answer was correct; times vary with the machine and are never asserted.
 * To profile the server meanwhile, run it with
 * {@code JAVA_OPTS_APPEND=-XX:StartFlightRecording=filename=/tmp/kc.jfr,settings=profile} in the
 * environment: the testkit's child Keycloak inherits it (the recording is written when it stops).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("MEASUREMENT: introspection latency and throughput (no time assertions)")
class IntrospectionLatencyProbeIT {

    static final int CALLS = 1_000;
    static final int WARM_UP = 200;
    static final int PARALLEL_CLIENTS = 4;

    @Test
    @DisplayName("1,000 keep-alive introspection calls of a valid key")
    void measure(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        var realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        String key = api.mint(api.login(TestUsers.create(realm, "probe")), "probe");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/introspect"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (TestRealm.GATEWAY_CLIENT + ":" + TestRealm.GATEWAY_SECRET).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + key))
                .timeout(Duration.ofSeconds(10))
                .build();

        run(http, request, WARM_UP);
        String load = loadAverage();
        Optional<DatabaseActivity> database = DatabaseActivity.of(keycloak);
        Map<String, Long> beforeSequential = database.isPresent() ? database.get().snapshot() : Map.of();
        long started = System.nanoTime();
        long[] sequential = run(http, request, CALLS);
        double sequentialSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> afterSequential = database.isPresent() ? database.get().snapshot() : Map.of();

        String bearer = IntrospectionIT.clientToken(keycloak, TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
        HttpRequest withBearer = HttpRequest.newBuilder(request.uri()).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + key)).timeout(Duration.ofSeconds(10)).build();
        run(http, withBearer, WARM_UP);
        long bearerStarted = System.nanoTime();
        long[] sequentialBearer = run(http, withBearer, CALLS);
        double bearerSeconds = (System.nanoTime() - bearerStarted) / 1e9;

        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CLIENTS);
        Map<String, Long> beforeParallel = database.isPresent() ? database.get().snapshot() : Map.of();
        // Each client warms its own connection up, then all start together (the clock with them).
        CyclicBarrier start = new CyclicBarrier(PARALLEL_CLIENTS + 1);
        List<Future<long[]>> clients = new ArrayList<>();
        for (int i = 0; i < PARALLEL_CLIENTS; i++) {
            HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            clients.add(pool.submit(() -> {
                run(own, request, WARM_UP / PARALLEL_CLIENTS);
                start.await();
                return run(own, request, CALLS / PARALLEL_CLIENTS);
            }));
        }
        start.await();
        started = System.nanoTime();
        List<Long> parallel = new ArrayList<>();
        for (Future<long[]> client : clients) {
            Arrays.stream(client.get()).forEach(parallel::add);
        }
        double parallelSeconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Map<String, Long> afterParallel = database.isPresent() ? database.get().snapshot() : Map.of();
        long[] parallelNanos = parallel.stream().mapToLong(Long::longValue).toArray();

        String report = String.format(
                "MEASUREMENT introspection on %s, loopback, keep-alive, valid key, %d calls after %d warm-up:%n"
                        + "  sequential, client secret (Basic): p50 %.2f ms, p99 %.2f ms, max %.2f ms, throughput %.0f req/s%n"
                        + "  sequential, service-account bearer: p50 %.2f ms, p99 %.2f ms, throughput %.0f req/s%n"
                        + "  %d parallel clients (Basic): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms,"
                        + " throughput %.0f req/s%n"
                        + "  load average before: %s%n",
                keycloak.getDatabase(), CALLS, WARM_UP,
                percentile(sequential, 50), percentile(sequential, 99), percentile(sequential, 100),
                CALLS / sequentialSeconds,
                percentile(sequentialBearer, 50), percentile(sequentialBearer, 99), CALLS / bearerSeconds,
                PARALLEL_CLIENTS, percentile(parallelNanos, 50), percentile(parallelNanos, 90),
                percentile(parallelNanos, 99), percentile(parallelNanos, 100), CALLS / parallelSeconds, load);
        if (database.isPresent()) {
            report += "  PostgreSQL activity of Keycloak's database, sequential (Basic):\n"
                    + DatabaseActivity.perCall(beforeSequential, afterSequential, CALLS)
                    + "  PostgreSQL activity, " + PARALLEL_CLIENTS + " parallel clients (warm-up included):\n"
                    + DatabaseActivity.perCall(beforeParallel, afterParallel, CALLS + WARM_UP);
        }
        System.out.print(report);
        String db = keycloak.getDatabase().toString().startsWith("postgres") ? "postgres" : "h2";
        Files.writeString(Path.of("target", "introspection-latency-" + db + ".txt"), report);
    }

    /** Nanoseconds per call; fails if any answer is not an active introspection. */
    private static long[] run(HttpClient http, HttpRequest request, int calls) throws Exception {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - start;
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"active\":true");
        }
        return nanos;
    }

    /** The machine's load (1, 5, 15 minutes): the run shares its cores, so its times mean little without it. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double percentile(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }
}
