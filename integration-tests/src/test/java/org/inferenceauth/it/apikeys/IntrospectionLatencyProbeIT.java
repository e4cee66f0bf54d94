package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * bearer token), then 4 clients in parallel, each after a warm-up, in turns with a floor: Keycloak's
 * discovery document fetched the same way, which does nothing of ours. The clients are what calls
 * Keycloak in production, a gateway: Vert.x's HTTP client on one event loop ({@link Callers}). The
 * JDK's {@code HttpClient}, used before, spent 0.33 ms of CPU per call with 4 clients (0.56 ms
 * sequentially), three quarters of Keycloak's own 0.43 ms, on the same two cores: the percentiles
 * were as much its cost as Keycloak's. Prints p50/p99 and
 * throughput and writes them to {@code target/introspection-latency-<db>.txt}, with the machine's
 * load, what each call cost ({@link MachineCosts}: CPU of Keycloak and of the clients, busy cores,
 * Keycloak's GC pauses) and, on PostgreSQL, Keycloak's database activity per call ({@link DatabaseActivity}). It
 * asserts only that every answer was correct; times vary with the machine and are never asserted.
 * To profile the server meanwhile, run it with
 * {@code JAVA_OPTS_APPEND=-XX:StartFlightRecording=filename=/tmp/kc.jfr,settings=profile} in the
 * environment: the testkit's child Keycloak inherits it (the recording is written when it stops).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("MEASUREMENT: introspection latency and throughput (no time assertions)")
class IntrospectionLatencyProbeIT {

    static final int CALLS = 1_000;
    /** Calls before each measurement, on its own connection(s). */
    static final int WARM_UP = 2_000;
    /**
     * Calls of each kind (Basic, bearer, discovery) by {@value #PARALLEL_CLIENTS} clients per warm-up
     * round. Rounds go on until Keycloak's JIT compilers are quiet ({@link #JIT_QUIET}) in two rounds in
     * a row (after one, C2 was seen to start again on the next tier of the same methods), at most
     * {@code -Dprobe.jitWarmUpSeconds} (default {@value #JIT_WARM_UP_SECONDS}). Why: C2 compiles a
     * method after 5,000 to 15,000 invocations, later while its queue is long, and Keycloak's request
     * path is thousands of methods: on a 2-core host, after a fixed 10,000 calls of each kind, the one
     * C2 thread still held a core for most of the measurements (a profile: 39 % of Keycloak's CPU in
     * C2), so the percentiles measured the JIT, not introspection.
     */
    static final int JIT_ROUND = 2_000;
    static final int JIT_WARM_UP_SECONDS = 120;
    /** Share of one core the compiler threads may use in a warm-up round for the JIT to count as quiet. */
    static final double JIT_QUIET = 0.05;
    static final int PARALLEL_CLIENTS = 4;
    /**
     * The parallel phase alternates introspection and the floor in turns of {@link #CALLS} calls each:
     * a turn lasts a third of a second, so one hiccup of the machine (another process, a timer, a
     * safepoint) would be a single turn's whole p99; in turns, it falls on both kinds alike, and each
     * kind's p99 is of {@value #PARALLEL_TURNS} × {@link #CALLS} calls.
     */
    static final int PARALLEL_TURNS = 5;
    /** Calls before each later turn, per kind (the first turn's clients warm up with {@link #WARM_UP}). */
    static final int TURN_WARM_UP = 400;
    /**
     * The most one {@code Callers.run} may take: a 2,000-call warm-up round by 4 callers takes a few
     * seconds, even on a busy 2-core CI host. Past it the probe fails, naming the calls not done.
     */
    static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    private static final String ACTIVE = "{\"active\":true";
    private static final String DISCOVERY = "{\"";

    /** One kind of call: what is sent, and how a correct answer's body starts. */
    private record Call(HttpMethod method, String uri, Map<String, String> headers, String body, String expectedStart) {}

    @Test
    @DisplayName("1,000 keep-alive introspection calls of a valid key")
    void measure(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        var realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        String key = api.mint(api.login(TestUsers.create(realm, "probe")), "probe");
        String form = "application/x-www-form-urlencoded";
        Call request = new Call(HttpMethod.POST, api.base() + "/introspect", Map.of(
                "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (TestRealm.GATEWAY_CLIENT + ":" + TestRealm.GATEWAY_SECRET).getBytes(StandardCharsets.UTF_8)),
                "Content-Type", form), "token=" + key, ACTIVE);
        String bearer = IntrospectionIT.clientToken(keycloak, TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
        Call withBearer = new Call(HttpMethod.POST, request.uri(),
                Map.of("Authorization", "Bearer " + bearer, "Content-Type", form), "token=" + key, ACTIVE);
        // The floor: Keycloak's cheapest realm endpoint, measured as introspection is. What
        // introspection adds to it is ours; its own tail is the machine's (scheduling, GC, loopback).
        Call discovery = new Call(HttpMethod.GET, keycloak.getIssuer(TestRealm.REALM)
                + "/.well-known/openid-configuration", Map.of(), null, DISCOVERY);
        try (Callers http = new Callers()) {
            measureAndReport(keycloak, http, request, withBearer, discovery);
        }
    }

    private static void measureAndReport(KeycloakServer keycloak, Callers http, Call request, Call withBearer,
                                         Call discovery) throws Exception {
        MachineCosts machine = MachineCosts.of(keycloak);
        String jit = warmUpUntilCompiled(http, List.of(request, withBearer, discovery), machine);

        run(http, request, WARM_UP);
        String load = loadAverage();
        Optional<DatabaseActivity> database = DatabaseActivity.of(keycloak);
        Map<String, Long> beforeSequential = snapshot(database);
        MachineCosts.Sample costs = machine.sample();
        long started = System.nanoTime();
        long[] sequential = run(http, request, CALLS);
        double sequentialSeconds = (System.nanoTime() - started) / 1e9;
        String sequentialCosts = MachineCosts.perCall(costs, machine.sample(), CALLS);
        Map<String, Long> afterSequential = snapshot(database);

        run(http, withBearer, WARM_UP);
        Map<String, Long> beforeBearer = snapshot(database);
        costs = machine.sample();
        long bearerStarted = System.nanoTime();
        long[] sequentialBearer = run(http, withBearer, CALLS);
        double bearerSeconds = (System.nanoTime() - bearerStarted) / 1e9;
        String bearerCosts = MachineCosts.perCall(costs, machine.sample(), CALLS);
        Map<String, Long> afterBearer = snapshot(database);

        Map<String, Long> beforeParallel = snapshot(database);
        Parallel parallel = new Parallel();
        Parallel floor = new Parallel();
        for (int turn = 0; turn < PARALLEL_TURNS; turn++) {
            int warmUp = turn == 0 ? WARM_UP : TURN_WARM_UP;
            parallel.add(parallel(http, request, warmUp, machine));
            floor.add(parallel(http, discovery, warmUp, machine));
        }
        Map<String, Long> afterParallel = snapshot(database);
        long[] parallelNanos = parallel.nanos();
        long[] floorNanos = floor.nanos();

        String report = String.format(
                "MEASUREMENT introspection on %s, loopback, keep-alive, valid key, %d calls after %d warm-up"
                        + " (and, for the JIT, rounds of %,d of each kind by %d clients first: %s):%n"
                        + "  sequential, client secret (Basic): p50 %.2f ms, p99 %.2f ms, max %.2f ms, throughput %.0f req/s%n"
                        + "    %s%n"
                        + "  sequential, service-account bearer: p50 %.2f ms, p99 %.2f ms, max %.2f ms, throughput %.0f req/s%n"
                        + "    %s%n"
                        + "  %d parallel clients (Basic), %d turns of %d calls: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms, throughput %.0f req/s; p99 per turn %s%n"
                        + "    %s%n"
                        + "  floor, %d parallel clients of GET .well-known/openid-configuration, in turns with the above:"
                        + " p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, throughput %.0f req/s; p99 per turn %s%n"
                        + "    %s%n"
                        + "  load average before: %s%n",
                keycloak.getDatabase(), CALLS, WARM_UP, JIT_ROUND, PARALLEL_CLIENTS, jit,
                percentile(sequential, 50), percentile(sequential, 99), percentile(sequential, 100),
                CALLS / sequentialSeconds, sequentialCosts,
                percentile(sequentialBearer, 50), percentile(sequentialBearer, 99),
                percentile(sequentialBearer, 100), CALLS / bearerSeconds, bearerCosts,
                PARALLEL_CLIENTS, PARALLEL_TURNS, CALLS, percentile(parallelNanos, 50), percentile(parallelNanos, 90),
                percentile(parallelNanos, 99), percentile(parallelNanos, 100), parallel.throughput(),
                parallel.p99s(), parallel.costs(),
                PARALLEL_CLIENTS, percentile(floorNanos, 50), percentile(floorNanos, 90), percentile(floorNanos, 99),
                percentile(floorNanos, 100), floor.throughput(), floor.p99s(), floor.costs(), load);
        if (database.isPresent()) {
            report += "  PostgreSQL activity of Keycloak's database, sequential (Basic):\n"
                    + DatabaseActivity.perCall(beforeSequential, afterSequential, CALLS)
                    + "  PostgreSQL activity, sequential (bearer):\n"
                    + DatabaseActivity.perCall(beforeBearer, afterBearer, CALLS)
                    + "  PostgreSQL activity, " + PARALLEL_CLIENTS + " parallel clients (warm-ups and the floor's turns included):\n"
                    + DatabaseActivity.perCall(beforeParallel, afterParallel, parallelNanos.length);
        }
        System.out.print(report);
        String db = keycloak.getDatabase().toString().startsWith("postgres") ? "postgres" : "h2";
        Files.writeString(Path.of("target", "introspection-latency-" + db + ".txt"), report);
    }

    /**
     * One turn: {@link #PARALLEL_CLIENTS} clients, each on its own connection, after a warm-up
     * ({@code warmUp} calls in all), started together, {@link #CALLS} calls in all.
     */
    private static Turn parallel(Callers http, Call call, int warmUp, MachineCosts machine) throws Exception {
        http.run(call, PARALLEL_CLIENTS, warmUp);
        MachineCosts.Sample before = machine.sample();
        long started = System.nanoTime();
        long[] nanos = http.run(call, PARALLEL_CLIENTS, CALLS);
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Turn(nanos, seconds, before, machine.sample());
    }

    /** One turn's calls in nanoseconds, its wall-clock time, and the machine's counters around it. */
    private record Turn(long[] nanos, double seconds, MachineCosts.Sample before, MachineCosts.Sample after) {}

    /** The turns of one kind of call, pooled: their percentiles are of all their calls, their costs summed. */
    private static final class Parallel {
        private final List<Turn> turns = new ArrayList<>();
        private double seconds;
        private MachineCosts.Sample spent = MachineCosts.Sample.ZERO;

        void add(Turn turn) {
            turns.add(turn);
            seconds += turn.seconds();
            spent = spent.plus(turn.before(), turn.after());
        }

        long[] nanos() {
            return turns.stream().flatMapToLong(turn -> Arrays.stream(turn.nanos())).toArray();
        }

        /** Calls a second while a turn ran. */
        double throughput() {
            return turns.size() * CALLS / seconds;
        }

        String p99s() {
            return String.join(" / ", turns.stream()
                    .map(turn -> String.format(Locale.ROOT, "%.2f", percentile(turn.nanos(), 99))).toList());
        }

        String costs() {
            return MachineCosts.perCall(MachineCosts.Sample.ZERO, spent, turns.size() * CALLS);
        }
    }

    /**
     * Warm-up rounds until Keycloak's JIT compilers used less than {@link #JIT_QUIET} of a core in two
     * rounds in a row, or the time is up; says how many rounds it took and what the compilers used in the last.
     */
    private static String warmUpUntilCompiled(Callers http, List<Call> kinds, MachineCosts machine) throws Exception {
        long deadline = System.nanoTime() + Long.getLong("probe.jitWarmUpSeconds", JIT_WARM_UP_SECONDS) * 1_000_000_000L;
        long started = System.nanoTime();
        int rounds = 0;
        int quietRounds = 0;
        double jitShare;
        do {
            MachineCosts.Sample before = machine.sample();
            for (Call kind : kinds) {
                http.run(kind, PARALLEL_CLIENTS, JIT_ROUND); // untimed
            }
            MachineCosts.Sample after = machine.sample();
            jitShare = (after.jitCpu() - before.jitCpu()) / ((after.nanos() - before.nanos()) / 1e9);
            rounds++;
            quietRounds = jitShare < JIT_QUIET ? quietRounds + 1 : 0;
        } while (quietRounds < 2 && System.nanoTime() < deadline);
        return String.format(Locale.ROOT, "%d rounds in %.0f s, the compilers %s, %.0f%% of a core in the last",
                rounds, (System.nanoTime() - started) / 1e9, quietRounds == 2 ? "quiet" : "NOT YET QUIET (time up)",
                100 * jitShare);
    }

    private static Map<String, Long> snapshot(Optional<DatabaseActivity> database) throws Exception {
        return database.isPresent() ? database.get().snapshot() : Map.of();
    }

    /** {@code calls} calls one after the other: nanoseconds each. */
    private static long[] run(Callers http, Call call, int calls) {
        return http.run(call, 1, calls);
    }

    /**
     * Keycloak's callers as a gateway is one: Vert.x's HTTP client on one event loop, keep-alive, a
     * connection per caller. Fails if any answer is not a 200 whose body starts as its call expects.
     */
    private static final class Callers implements AutoCloseable {

        private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        private final Context context = vertx.getOrCreateContext();
        private final HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000))
                .with(new PoolOptions().setHttp1MaxSize(PARALLEL_CLIENTS)).build();

        /**
         * {@code callers} chains of calls, {@code calls} in all, started together: each call's nanoseconds.
         * The chains start on the event loop, not on this thread: a call chained from another thread
         * can lose its answer's body (Vert.x drops what arrives before {@code body()} is asked for,
         * and the idle timeout ends with the answer's head), and then waits forever. One did, once:
         * a CI run hung here until its time was up. So does a run that outlasts {@link #RUN_LIMIT}.
         */
        long[] run(Call call, int callers, int calls) {
            List<Future<long[]>> chains = new ArrayList<>();
            int[] done = new int[callers];
            for (int i = 0; i < callers; i++) {
                Promise<long[]> chain = Promise.promise();
                int caller = i;
                context.runOnContext(v -> next(call, new long[calls / callers], 0, done, caller, chain));
                chains.add(chain.future());
            }
            try {
                Future.all(chains).await(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(String.format("%d calls of %s by %d callers not done after %d s; calls done"
                        + " per caller: %s", calls, call.uri(), callers, RUN_LIMIT.toSeconds(), Arrays.toString(done)));
            }
            return chains.stream().flatMapToLong(chain -> Arrays.stream(chain.result())).toArray();
        }

        private void next(Call call, long[] nanos, int i, int[] done, int caller, Promise<long[]> chain) {
            done[caller] = i; // read by the test thread only after a timeout, for its message
            if (i == nanos.length) {
                chain.complete(nanos);
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(call.method()).setAbsoluteURI(call.uri())
                    .setTimeout(10_000);
            call.headers().forEach(options::putHeader);
            long start = System.nanoTime();
            client.request(options)
                    .compose(request -> call.body() == null ? request.send() : request.send(call.body()))
                    .compose(response -> response.body().map(body -> {
                        assertThat(response.statusCode()).as(call.uri()).isEqualTo(200);
                        assertThat(body.toString()).as(call.uri()).startsWith(call.expectedStart());
                        return body;
                    }))
                    .onComplete(answered -> {
                        if (answered.failed()) {
                            chain.fail(answered.cause());
                            return;
                        }
                        nanos[i] = System.nanoTime() - start;
                        next(call, nanos, i + 1, done, caller, chain);
                    });
        }

        @Override
        public void close() {
            client.close().await();
            vertx.close().await();
        }
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
