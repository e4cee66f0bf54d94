package org.inferenceauth.gateway.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the container image runs ({@code target/inference-gateway.jar}, built in the package
 * phase), started as {@code java -jar} in a child process with a clean environment: a bad configuration
 * must name the variables and exit 2; a good one must serve both ports and reach its upstream, which
 * only works if the merged META-INF/services and the Main-Class are right.
 */
class RunnableJarIT {

    private static final Pattern LISTENING = Pattern.compile(
            "Gateway listening on \\S+:(\\d+) \\(management \\S+:(\\d+)\\).*, transport (\\S+), (\\d+) event loops?$");

    private final Path jar = Path.of(System.getProperty("gateway.jar", "target/inference-gateway.jar"));
    private Vertx vertx;
    private Process process;

    @BeforeEach
    void jarWasBuilt() {
        assertThat(jar).as("shaded jar (run `mvn package` first)").isRegularFile();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        vertx.close().await();
    }

    @Test
    void theProductionJarShipsNoDemoCode() throws Exception {
        try (java.util.jar.JarFile contents = new java.util.jar.JarFile(jar.toFile())) {
            assertThat(contents.stream().map(java.util.jar.JarEntry::getName))
                    .as("classes of the demo-upstream module")
                    .noneMatch(name -> name.startsWith("org/inferenceauth/demo/"))
                    .anyMatch(name -> name.startsWith("org/inferenceauth/gateway/"));
        }
    }

    @Test
    void invalidConfigurationNamesEveryProblemAndExitsWithStatus2() throws Exception {
        process = start(Map.of(
                "GATEWAY_UPSTREAMS", "not-a-url",
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference"));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr).contains("Invalid gateway configuration")
                .contains("GATEWAY_UPSTREAMS").contains("not-a-url")
                .contains("GATEWAY_KEYCLOAK_CLIENT_SECRET is required");
    }

    @Test
    void nioAskedForRunsOnIt() throws Exception {
        // An operator may prefer NIO even where io_uring would run (the default there).
        process = start(Map.of(
                "GATEWAY_UPSTREAMS", "http://127.0.0.1:1/v1",
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference",
                "GATEWAY_KEYCLOAK_CLIENT_SECRET", "test-secret",
                "GATEWAY_TRANSPORT", "nio",
                "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", "0",
                "GATEWAY_MANAGEMENT_PORT", String.valueOf(freePort())));
        assertThat(awaitListening(process).group(3)).isEqualTo("nio");
    }

    @Test
    void anUnknownTransportIsAConfigurationError() throws Exception {
        process = start(Map.of(
                "GATEWAY_UPSTREAMS", "http://127.0.0.1:1/v1",
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference",
                "GATEWAY_KEYCLOAK_CLIENT_SECRET", "test-secret",
                "GATEWAY_TRANSPORT", "epoll"));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr).contains("GATEWAY_TRANSPORT must be one of io_uring, nio or auto, got 'epoll'");
    }

    @Test
    void unreachableRedisAtStartExitsWithStatus1() throws Exception {
        // Seen in the compose stack: Redis not resolvable yet when the gateway started. The JVM must end (and
        // be restarted by its supervisor), not stay up with no port open.
        process = start(Map.of(
                "GATEWAY_UPSTREAMS", "http://127.0.0.1:1/v1",
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference",
                "GATEWAY_KEYCLOAK_CLIENT_SECRET", "test-secret",
                "GATEWAY_REDIS_URL", "redis://127.0.0.1:" + freePort(),
                "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", "0",
                "GATEWAY_MANAGEMENT_PORT", String.valueOf(freePort())));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exits").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).contains("Gateway failed to start").contains("127.0.0.1");
    }

    @Test
    void validConfigurationServesBothPortsAndReachesTheUpstream() throws Exception {
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("demo-model"), Duration.ZERO)
                .start("127.0.0.1", 0).await();
        process = start(Map.of(
                "GATEWAY_UPSTREAMS", upstream.baseUrl(),
                "GATEWAY_UPSTREAM_API_KEY", "upstream-test-key",
                // Nothing listens there: the gateway must start anyway (and report not ready).
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference",
                "GATEWAY_KEYCLOAK_CLIENT_SECRET", "test-secret",
                "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", "0",
                "GATEWAY_MANAGEMENT_PORT", String.valueOf(freePort())));
        Matcher ports = awaitListening(process);
        int apiPort = Integer.parseInt(ports.group(1));
        int managementPort = Integer.parseInt(ports.group(2));
        // The jar carries Netty's io_uring library: where this host can run io_uring, so does the gateway by default.
        assertThat(ports.group(3)).isEqualTo(Transport.IO_URING.available() ? "io_uring" : "nio");
        // Half the cores, at least one, unless GATEWAY_EVENT_LOOPS says otherwise.
        assertThat(Integer.parseInt(ports.group(4)))
                .isEqualTo(GatewayConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors()));

        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, "http://127.0.0.1:" + managementPort + "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(http, "http://127.0.0.1:" + managementPort + "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        HttpResponse<String> models = get(http, "http://127.0.0.1:" + apiPort + "/v1/models");
        assertThat(models.statusCode()).isEqualTo(401);
        assertThat(models.body()).contains("\"code\":\"invalid_api_key\"");
        // The model-list refresh went out through the gateway's HTTP client, with the upstream's key.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (upstream.received().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(upstream.received()).anySatisfy(r -> {
            assertThat(r.uri()).isEqualTo("/v1/models");
            assertThat(r.headers().get("authorization")).isEqualTo("Bearer upstream-test-key");
        });
    }

    private Process start(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString());
        // Only what the test sets: GATEWAY_* variables of the developer's shell must not leak in.
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static Matcher awaitListening(Process process) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "gateway-stderr");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return m;
                }
            } else if (!process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("gateway did not report listening; stderr:\n" + seen);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
