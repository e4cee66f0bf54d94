package org.inferenceauth.gateway.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's nginx snippet ({@code examples/nginx/inference-forward-auth.conf}, included as it is)
 * in a real nginx: {@code auth_request} to the gateway's {@code /auth}, proxying to a demo upstream
 * that records what it received. nginx is Debian's, started here as a child process on free ports.
 */
@DisplayName("Forward-auth behind a real nginx, with the README's snippet")
class NginxForwardAuthTest {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path SNIPPET = Path.of("examples/nginx/inference-forward-auth.conf").toAbsolutePath();

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;
    static GatewayFixture gateway;
    static Process nginx;
    static int nginxPort;
    static FakeKeycloak.Key key;

    @BeforeAll
    static void start() throws Exception {
        // CI installs nginx (.ci/run); elsewhere the test needs it too, but says why it did not run.
        assumeTrue(System.getenv("CI") != null || Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx)");
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_FORWARD_AUTH_PROXY", "nginx", "GATEWAY_TRUSTED_PROXIES", "127.0.0.1")));
        key = keycloak.mintKey("zoë");
        nginxPort = freePort();
        nginx = startNginx(Files.createTempDirectory("nginx-forward-auth"), gateway.server().port(), upstream.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    static Process startNginx(Path dir, int gatewayPort, int upstreamPort) throws Exception {
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                error_log %1$s/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream inference_gateway { server 127.0.0.1:%2$d; }
                    upstream inference_api { server 127.0.0.1:%3$d; }
                    server {
                        listen 127.0.0.1:%4$d;
                        location / { return 404; }
                        include %5$s;
                    }
                }
                """.formatted(dir, gatewayPort, upstreamPort, nginxPort, SNIPPET);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            try (Socket ignored = new Socket("127.0.0.1", nginxPort)) {
                return process;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("nginx did not listen within 20 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static RawHttp.Response send(String method, String target, String extraHeaders, String body) {
        String request = method + " " + target + " HTTP/1.1\r\nHost: api.example.edu\r\nConnection: close\r\n" + extraHeaders
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n") + "\r\n" + (body == null ? "" : body);
        return RawHttp.single(nginxPort, request);
    }

    static String bearer() {
        return "Authorization: Bearer " + key.token() + "\r\n";
    }

    int upstreamCalls;

    @BeforeEach
    void countUpstreamCalls() {
        upstreamCalls = upstream.received().size();
    }

    /** What vLLM received through nginx since the test began (the gateway's own model-list refreshes aside). */
    List<String> newUpstreamTargets() {
        List<DemoUpstream.Received> all = upstream.received();
        return all.subList(0, all.size() - upstreamCalls).stream()
                .filter(r -> r.headers().contains("x-forwarded-for")).map(DemoUpstream.Received::uri).toList();
    }

    @Test
    @DisplayName("an admitted call reaches vLLM with the gateway's identity headers and none of the client's own")
    void admitted() {
        RawHttp.Response response = send("POST", "/v1/chat/completions", bearer()
                        + "X-Api-Key: " + key.token() + "\r\nX-Auth-User: mallory\r\nX-Auth-Role: admin\r\nCookie: s=1\r\n"
                        + "X-Request-Id: chosen-by-client\r\nX-data-parallel-rank: 3\r\nX-Original-URI: /metrics\r\n",
                "{\"model\":\"model-a\",\"messages\":[]}");

        assertThat(response.status()).isEqualTo(200);
        MultiMap seen = upstream.received().get(0).headers();
        assertThat(upstream.received().get(0).uri()).isEqualTo("/v1/chat/completions");
        assertThat(seen.getAll("x-auth-user")).containsExactly("zo%C3%AB");
        assertThat(seen.get("x-auth-key-id")).isEqualTo(key.keyId());
        assertThat(seen.get("x-auth-role")).isNull();
        assertThat(seen.get("authorization")).isNull();
        assertThat(seen.get("x-api-key")).isNull();
        assertThat(seen.get("cookie")).isNull();
        assertThat(seen.get("x-data-parallel-rank")).isNull();
        assertThat(seen.get("x-original-uri")).isNull();
        assertThat(seen.getAll("x-request-id")).hasSize(1).doesNotContain("chosen-by-client");
        assertThat(String.valueOf(seen.entries())).doesNotContain(key.token());
    }

    @Test
    @DisplayName("a bad key: nginx answers 401 with the gateway's Bearer challenge; nothing reaches vLLM")
    void badKey() {
        RawHttp.Response response = send("GET", "/v1/models", "Authorization: Bearer ik_nope\r\n", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("www-authenticate")).startsWith("Bearer");
        assertThat(newUpstreamTargets()).isEmpty();
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/v1/models/../../metrics", "/v1/models/x/../../../start_profile", "/v1/models/..%2f..%2fmetrics",
            "/v1/./models", "/v1//models", "/v1/models;x", "/v1/metrics", "/v1/models/model-a"})
    @DisplayName("the confirmed exploits and other spellings never reach vLLM")
    void exploits(String target) {
        RawHttp.Response response = send("GET", target, bearer(), null);

        assertThat(response.status()).isIn(403, 404);
        assertThat(newUpstreamTargets()).isEmpty();
    }

    @Test
    @DisplayName("a client's X-Forwarded-Uri next to nginx's X-Original-URI is a conflict: 403")
    void conflictingCarrier() {
        RawHttp.Response response = send("POST", "/v1/chat/completions", bearer() + "X-Forwarded-Uri: /metrics\r\n",
                "{\"model\":\"model-a\",\"messages\":[]}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(newUpstreamTargets()).isEmpty();
    }

    @Test
    @DisplayName("the method is checked: GET on an inference path is 403")
    void method() {
        assertThat(send("GET", "/v1/chat/completions", bearer(), null).status()).isEqualTo(403);
        assertThat(newUpstreamTargets()).isEmpty();
    }

    @Test
    @DisplayName("the README shows the very snippet this test runs")
    void readmeShowsTheSnippet() throws IOException {
        assertThat(Files.readString(Path.of("README.md"))).contains(Files.readString(SNIPPET).strip());
    }
}
