package org.inferenceauth.it.cluster;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.it.Waiting;
import org.inferenceauth.it.usage.UsageApi;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.FreePorts;
import org.inferenceauth.testkit.KeycloakBuild;
import org.inferenceauth.testkit.KeycloakDatabase;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Scale-out, run here: Keycloak built once ({@code kc.sh build}: PostgreSQL, Infinispan with the
 * {@code jdbc-ping} stack, health, metrics, our providers), two nodes started {@code --optimized}
 * on one PostgreSQL database as one cluster, Debian's nginx balancing them, and two gateway
 * replicas (processes of their own) sharing Redis. One start for all tests; they run in order,
 * the node kill and the replica kill last. Runs in the PostgreSQL pass of CI only (see the pom).
 * Figures go to stdout and {@code target/cluster-report.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Two Keycloak nodes behind nginx, two gateway replicas")
class KeycloakClusterIT {

    static final Path WORK = Path.of("target/cluster").toAbsolutePath();
    static final Duration GENEROUS = Duration.ofMinutes(3);
    /** The bound for a revocation to reach every gateway, from the revoking call's return. */
    static final Duration REVOCATION_BOUND = Duration.ofSeconds(2);
    /** Build-time options of Keycloak 26.7 ({@code kc.sh build --help}); the cache options are runtime ones there. */
    static final List<String> BUILD_OPTIONS = List.of("--db=postgres", "--health-enabled=true", "--metrics-enabled=true");

    final ClusterReport report = new ClusterReport();
    final String redisPrefix = "cluster-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    Balancer balancer;
    KeycloakServer nodeA;
    KeycloakServer nodeB;
    Vertx vertx;
    DemoUpstream upstream;
    GatewayReplica gateway1;
    GatewayReplica gateway2;

    @BeforeAll
    void startCluster() throws Exception {
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        balancer = new Balancer(WORK.resolve("nginx"), portA, portB);

        KeycloakBuild build = KeycloakBuild.of(KeycloakExtension.distribution(), WORK.resolve("keycloak-built"),
                paths("keycloak.providers"), BUILD_OPTIONS, javaHome());
        report.add("kc.sh build " + String.join(" ", BUILD_OPTIONS), build.duration());

        KeycloakDatabase database = KeycloakDatabase.named("postgres");
        nodeA = node(build, "a", portA, database, true).start();
        report.add("node A: optimized start on PostgreSQL, realm import", nodeA.getLastStartDuration());

        long joinBegan = System.nanoTime();
        nodeB = node(build, "b", portB, database.shared(), false).start();
        report.add("node B: optimized start, joining the cluster", nodeB.getLastStartDuration());
        awaitViewOfTwo(0, 0);
        report.add("cluster view of 2 on both nodes, from node B's launch",
                Duration.ofNanos(System.nanoTime() - joinBegan));

        vertx = Vertx.vertx();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway1 = gateway("gateway-1");
        gateway2 = gateway("gateway-2");
    }

    @AfterAll
    void stopAll() {
        // Each in its own guard: one failure must not leave the others running.
        quietly(() -> gateway1.close());
        quietly(() -> gateway2.close());
        quietly(() -> vertx.close().await());
        quietly(() -> nodeB.close());
        quietly(() -> nodeA.close()); // node A owns the database: it drops it
        quietly(() -> balancer.close());
        report.write(Path.of("target/cluster-report.txt"));
    }

    @Test
    @Order(1)
    @DisplayName("the optimized nodes on PostgreSQL form one Infinispan cluster (jdbc-ping) and report health and metrics")
    void oneCluster() {
        assertThat(ClusterView.latest(nodeA.getLogFile(), 0).members()).as("node A's view").isEqualTo(2);
        assertThat(ClusterView.latest(nodeB.getLogFile(), 0).members()).as("node B's view").isEqualTo(2);
        for (KeycloakServer node : List.of(nodeA, nodeB)) {
            // Health and metrics are build-time options: they answer only because the build enabled them.
            given().get(node.getManagementUrl() + "/health/ready").then().statusCode(200);
            assertThat(clusterSizeMetric(node)).as("vendor_cluster_size of " + node.getAuthServerUrl()).isEqualTo(2);
            assertThat(read(node.getLogFile())).as("started as built, no re-augmentation")
                    .doesNotContain("Updating the configuration and installing your custom providers");
        }
        assertThat(given().get(balancer.url() + "/realms/" + TestRealm.REALM + "/.well-known/openid-configuration")
                .then().statusCode(200).extract().<String>path("issuer"))
                .as("the issuer is the balancer's URL (--hostname)")
                .isEqualTo(issuer());
    }

    @Test
    @Order(2)
    @DisplayName("a key minted on node A is accepted by both gateways, and node B knows it")
    void mintedOnAAcceptedByBoth() {
        String key = mint(nodeA, loginThroughBalancer(newUser("mint-a")), "minted-on-a").key();
        assertThat(gateway1.status(key)).isEqualTo(200);
        assertThat(gateway2.status(key)).isEqualTo(200);
        assertThat(introspect(nodeB, key)).as("node B introspects node A's key").isTrue();
    }

    @Test
    @Order(3)
    @DisplayName("a key revoked on node B is refused by both gateways within 2 s; the feed reads alike on both nodes")
    void revokedOnBRefusedByBoth() throws Exception {
        String token = loginThroughBalancer(newUser("revoke-b"));
        Minted minted = mint(nodeA, token, "revoked-on-b");
        assertThat(gateway1.status(minted.key())).isEqualTo(200);
        assertThat(gateway2.status(minted.key())).isEqualTo(200);
        String cursorOnA = feedCursor(nodeA);

        given().auth().oauth2(token).delete(apiKeys(nodeB) + "/" + minted.keyId()).then().statusCode(204);
        long revoked = System.nanoTime();
        long refused1 = -1;
        long refused2 = -1;
        while ((refused1 < 0 || refused2 < 0) && System.nanoTime() - revoked < Duration.ofSeconds(60).toNanos()) {
            if (refused1 < 0 && gateway1.status(minted.key()) == 401) {
                refused1 = System.nanoTime() - revoked;
            }
            if (refused2 < 0 && gateway2.status(minted.key()) == 401) {
                refused2 = System.nanoTime() - revoked;
            }
            Thread.sleep(20);
        }
        assertThat(refused1).as("gateway 1 refuses the revoked key").isPositive();
        assertThat(refused2).as("gateway 2 refuses the revoked key").isPositive();
        Duration both = Duration.ofNanos(Math.max(refused1, refused2));
        report.add("revocation on node B -> refused by gateway 1 / gateway 2",
                String.format("%d ms / %d ms", refused1 / 1_000_000, refused2 / 1_000_000));
        assertThat(both).as("revocation reached both gateways within the issue's bound").isLessThanOrEqualTo(REVOCATION_BOUND);

        // The feed is the database's, not a node's: a cursor from node A reads node B's revocation.
        assertThat(feedKeyIds(nodeA, cursorOnA)).contains(minted.keyId());
        assertThat(feedKeyIds(nodeB, cursorOnA)).contains(minted.keyId());
        assertThat(introspect(nodeA, minted.key())).as("node A no longer accepts it").isFalse();
    }

    @Test
    @Order(4)
    @DisplayName("node A killed under load: cached callers see no error, logins, mints and introspections go to node B; A rejoins")
    void nodeKilledUnderLoad() throws Exception {
        UserRepresentation user = newUser("load");
        String cachedKey = mint(nodeA, loginThroughBalancer(user), "load-cached").key();
        assertThat(gateway1.status(cachedKey)).isEqualTo(200);
        assertThat(gateway2.status(cachedKey)).isEqualTo(200);
        String[] token = {loginThroughBalancer(user)};

        SteadyLoad load = new SteadyLoad()
                .worker("cached", 20, List.of(
                        step("cached call, gateway 1", () -> expect(200, gateway1.status(cachedKey))),
                        step("cached call, gateway 2", () -> expect(200, gateway2.status(cachedKey)))))
                .worker("balancer", 100, List.of(
                        step("login", () -> {
                            token[0] = loginThroughBalancer(user);
                            return null;
                        }),
                        step("mint (and revoke)", () -> {
                            Minted minted = mint(balancer.url(), token[0], "load-" + System.nanoTime());
                            given().auth().oauth2(token[0]).delete(balancer.url() + apiKeysPath() + "/" + minted.keyId())
                                    .then().statusCode(204);
                            return null;
                        }),
                        step("introspection", () -> introspect(balancer.url(), cachedKey) ? null : "inactive")))
                .start();
        long began = System.nanoTime();
        Thread.sleep(8_000);
        long killed = System.nanoTime();
        nodeA.kill();
        Thread.sleep(20_000);
        long ended = System.nanoTime();
        load.close();

        List<String> operations = List.of("cached call, gateway 1", "cached call, gateway 2", "login", "mint (and revoke)",
                "introspection");
        long balancerErrors = 0;
        for (String operation : operations) {
            var before = load.of(operation, began, killed);
            var after = load.of(operation, killed, ended);
            report.add("node kill: " + operation + " before / after the kill",
                    String.format("%d ok, %d errors / %d ok, %d errors", SteadyLoad.successes(before),
                            SteadyLoad.errors(before), SteadyLoad.successes(after), SteadyLoad.errors(after)));
            after.stream().filter(o -> !o.ok()).forEach(o -> System.out.println("[cluster]   error: " + o));
            assertThat(SteadyLoad.errors(before)).as(operation + " errors before the kill").isZero();
            assertThat(SteadyLoad.successes(after)).as(operation + " succeeded after the kill (node B)").isPositive();
            if (operation.startsWith("cached")) {
                assertThat(SteadyLoad.errors(after)).as(operation + " errors after the kill").isZero();
            } else {
                balancerErrors += SteadyLoad.errors(after);
            }
        }
        report.add("node kill: errors through the balancer in the kill window", Long.toString(balancerErrors));
        // One worker makes one call at a time: only the call in flight on node A when it died may fail.
        assertThat(balancerErrors).as("calls through the balancer that failed because node A died").isLessThanOrEqualTo(1);

        long logBefore = Files.size(nodeA.getLogFile());
        long restartBegan = System.nanoTime();
        nodeA.start();
        report.add("node A: optimized restart", nodeA.getLastStartDuration());
        awaitViewOfTwo(logBefore, 0);
        report.add("node A rejoined (view of 2 on both), from its relaunch", Duration.ofNanos(System.nanoTime() - restartBegan));
        assertThat(introspect(nodeA, cachedKey)).as("the rejoined node A serves").isTrue();
        String afterRejoin = mint(nodeA, loginThroughBalancer(user), "after-rejoin").key();
        assertThat(gateway1.status(afterRejoin)).isEqualTo(200);
    }

    @Test
    @Order(5)
    @DisplayName("one gateway replica killed: the other serves; usage from both lands once")
    void replicaKilled() throws Exception {
        UserRepresentation user = newUser("usage");
        String key = mint(nodeB, loginThroughBalancer(user), "usage").key();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway1.chat(key, "model-a")).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(gateway2.chat(key, "model-a")).isEqualTo(200);
        }
        UsageApi usage = UsageApi.inference(nodeB);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Waiting.until("usage of both replicas in Keycloak", () -> requests(usage, user, today) >= 5, GENEROUS);

        gateway1.kill();
        assertThat(gateway1.isAlive()).isFalse();
        assertThat(gateway1.status(key)).as("the killed replica is gone").isEqualTo(-1);
        for (int i = 0; i < 2; i++) {
            assertThat(gateway2.chat(key, "model-a")).as("the other replica serves").isEqualTo(200);
        }
        Waiting.until("the surviving replica's usage in Keycloak", () -> requests(usage, user, today) >= 7, GENEROUS);
        Thread.sleep(3_000); // several flush intervals: a batch delivered twice would show now
        assertThat(requests(usage, user, today)).as("each request counted once").isEqualTo(7);
    }

    // --- the setup ---

    private KeycloakServer node(KeycloakBuild build, String name, int port, KeycloakDatabase database, boolean first)
            throws IOException {
        Map<String, String> env = new HashMap<>(TestRealm.environment());
        env.putAll(SimulatedCilogon.environment(balancer.url()));
        KeycloakServer.Builder builder = KeycloakServer.builder()
                .distribution(build.copyTo(WORK.resolve("node-" + name)))
                .optimized()
                .database(database)
                .httpPort(port)
                .env(env)
                .option("--hostname=" + balancer.url())
                .option("--proxy-headers=xforwarded")
                .option("--cache=ispn")
                .option("--cache-stack=jdbc-ping") // discovery through the shared database
                .option("--cache-embedded-network-bind-address=127.0.0.1")
                .option("--cache-embedded-network-bind-port=" + jgroupsPort())
                .option("--spi-cache-embedded-default-node-name=node-" + name) // readable cluster views
                .logFile(WORK.resolve("keycloak-node-" + name + ".log").toAbsolutePath());
        if (javaHome() != null) {
            builder.javaHome(javaHome());
        }
        KeycloakExtension.realmImports().forEach(builder::realmImport);
        if (first) { // the dev overlay is applied once, to the shared database
            paths("keycloak.realm-overlays").forEach(builder::realmOverlay);
        }
        return builder.build();
    }

    /** Waits until both nodes' latest views (in their logs after these offsets) have two members. */
    private Duration awaitViewOfTwo(long fromA, long fromB) throws Exception {
        return Waiting.until("a cluster view of 2 members on both nodes",
                () -> ClusterView.latest(nodeA.getLogFile(), fromA).members() == 2
                        && ClusterView.latest(nodeB.getLogFile(), fromB).members() == 2, GENEROUS);
    }

    private GatewayReplica gateway(String name) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAMS", upstream.baseUrl());
        env.put("GATEWAY_KEYCLOAK_ISSUER", issuer());
        env.put("GATEWAY_KEYCLOAK_CLIENT_ID", TestRealm.GATEWAY_CLIENT);
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", TestRealm.GATEWAY_SECRET);
        env.put("GATEWAY_KEYCLOAK_TIMEOUT", "10s");
        env.put("GATEWAY_REVOCATION_POLL_INTERVAL", "500ms");
        // Keys stay cached through the node kill: callers must not depend on a node.
        env.put("GATEWAY_KEY_CACHE_TTL", "10m");
        env.put("GATEWAY_USAGE_FLUSH", "500ms");
        env.put("GATEWAY_USAGE_SPILL_DIR", WORK.resolve(name + "-spill").toAbsolutePath().toString());
        env.put("GATEWAY_REDIS_URL", "redis://127.0.0.1:6379");
        env.put("GATEWAY_REDIS_KEY_PREFIX", redisPrefix);
        env.put("GATEWAY_RATE_LIMIT_RPM", "100000");
        return new GatewayReplica(name, env, WORK.resolve(name + ".log"));
    }

    // --- the calls ---

    record Minted(String key, String keyId) {}

    private String issuer() {
        return balancer.url() + "/realms/" + TestRealm.REALM;
    }

    private static String apiKeysPath() {
        return "/realms/" + TestRealm.REALM + "/api-keys";
    }

    private static String apiKeys(KeycloakServer node) {
        return node.getAuthServerUrl() + apiKeysPath();
    }

    /** A new user, made through whichever node is up. */
    private UserRepresentation newUser(String prefix) {
        KeycloakServer admin = nodeA.isRunning() ? nodeA : nodeB;
        RealmResource realm = admin.getKeycloakAdminClient().realm(TestRealm.REALM);
        return TestUsers.create(realm, "cluster-" + prefix);
    }

    /** An account-console login through the balancer (form, code, token), as a browser does. */
    private String loginThroughBalancer(UserRepresentation user) {
        return new BrowserLogin(issuer(), TestRealm.ACCOUNT_CONSOLE_CLIENT, null, issuer() + "/account/")
                .login(user.getUsername(), TestUsers.PASSWORD).accessToken();
    }

    private static Minted mint(KeycloakServer node, String token, String name) {
        return mint(node.getAuthServerUrl(), token, name);
    }

    private static Minted mint(String baseUrl, String token, String name) {
        var response = given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(Map.of("name", name)).post(baseUrl + apiKeysPath())
                .then().statusCode(201).extract();
        return new Minted(response.path("key"), response.path("keyId"));
    }

    private static boolean introspect(KeycloakServer node, String key) {
        return introspect(node.getAuthServerUrl(), key);
    }

    private static boolean introspect(String baseUrl, String key) {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .contentType(ContentType.URLENC).formParam("token", key).post(baseUrl + apiKeysPath() + "/introspect")
                .then().statusCode(200).extract().<Boolean>path("active");
    }

    private static String feedCursor(KeycloakServer node) {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .get(apiKeys(node) + "/revocations").then().statusCode(200).extract().path("cursor");
    }

    private static List<String> feedKeyIds(KeycloakServer node, String cursor) {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .queryParam("since", cursor).get(apiKeys(node) + "/revocations")
                .then().statusCode(200).extract().jsonPath().getList("events.key_id");
    }

    private static long requests(UsageApi usage, UserRepresentation user, LocalDate day) {
        return ((Number) usage.userDay(user.getId(), day).get("requests")).longValue();
    }

    /** Infinispan's own count of cluster members, e.g. {@code vendor_cluster_size{cache_manager="keycloak",node="node-a"} 2.0}. */
    private static int clusterSizeMetric(KeycloakServer node) {
        String metrics = given().get(node.getManagementUrl() + "/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("vendor_cluster_size{"))
                .mapToInt(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private static Map.Entry<String, SteadyLoad.Operation> step(String name, SteadyLoad.Operation operation) {
        return Map.entry(name, operation);
    }

    private static String expect(int status, int actual) {
        return actual == status ? null : "HTTP " + actual;
    }

    // --- small helpers ---

    /**
     * A JGroups port that is free, with room above it: JGroups' failure detection (FD_SOCK2) listens
     * at the bind port plus an offset of 50000.
     */
    private static int jgroupsPort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(7800, 15000);
            if (free(port) && free(port + 50_000)) {
                return port;
            }
        }
        throw new IOException("no free JGroups port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> paths(String property) {
        return Arrays.stream(System.getProperty(property, "").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    private static Path javaHome() {
        String home = System.getProperty("keycloak.java.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            System.out.println("[cluster] cleanup: " + e);
        }
    }
}
