package org.inferenceauth.gateway.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /auth} approves what the configured proxy says the original request is, never what a
 * client managed to add to it. nginx and Traefik pass the client's own headers on to the check
 * request, Envoy those it is configured to, so every header a client could send is hostile input.
 */
@DisplayName("Forward-auth: the original request as the configured proxy reports it, exact paths only")
class ForwardAuthTest {

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static GatewayFixture nginx;
    static GatewayFixture traefik;
    static GatewayFixture envoy;
    static GatewayFixture unconfigured;
    static FakeKeycloak.Key key;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        nginx = gateway(upstream, "nginx");
        traefik = gateway(upstream, "traefik");
        envoy = gateway(upstream, "envoy");
        unconfigured = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
        key = keycloak.mintKey("olga");
    }

    static GatewayFixture gateway(DemoUpstream upstream, String proxy) {
        return GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_FORWARD_AUTH_PROXY", proxy)));
    }

    @AfterAll
    static void stop() {
        for (GatewayFixture gateway : List.of(nginx, traefik, envoy, unconfigured)) {
            gateway.close();
        }
        vertx.close().await();
    }

    static String[] withKey(String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "authorization";
        all[headers.length + 1] = "Bearer " + key.token();
        return all;
    }

    static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    static void assertRefusedPath(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("path_not_allowed");
    }

    @Test
    @DisplayName("without GATEWAY_FORWARD_AUTH_PROXY there is no /auth at all")
    void offByDefault() {
        HttpResponse<String> response = unconfigured.get("/auth", withKey("x-original-uri", "/v1/chat/completions",
                "x-original-method", "POST"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(code(response)).isEqualTo("unknown_url");
    }

    @Nested
    @DisplayName("nginx auth_request: X-Original-URI and X-Original-Method")
    class Nginx {

        @Test
        @DisplayName("an allow-listed path with its method: 200 with the identity headers")
        void approves() {
            HttpResponse<String> response = nginx.get("/auth", withKey("x-original-uri", "/v1/chat/completions?x=1",
                    "x-original-method", "POST"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-auth-user")).hasValue("olga");
            assertThat(response.headers().firstValue("x-auth-key-id")).hasValue(key.keyId());
        }

        @ParameterizedTest(name = "X-Original-URI {0} is refused")
        @ValueSource(strings = {"/v1/models/../../metrics", "/v1/models/x/../../../start_profile",
                "/v1/models/..%2f..%2fmetrics", "/v1/models/model-a"})
        @DisplayName("the confirmed exploits, and any /v1/models/{id}: exact paths only")
        void confirmedExploits(String uri) {
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", uri, "x-original-method", "GET")));
        }

        @Test
        @DisplayName("the confirmed exploit: an allowed X-Original-URI with a client-added X-Forwarded-Uri: /metrics")
        void conflictingCarrier() {
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", "/v1/chat/completions",
                    "x-original-method", "POST", "x-forwarded-uri", "/metrics")));
        }

        @Test
        @DisplayName("a repeated X-Original-URI is refused, even when both values are allowed")
        void repeated() {
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", "/v1/chat/completions",
                    "x-original-uri", "/v1/embeddings", "x-original-method", "POST")));
        }

        @ParameterizedTest(name = "X-Original-URI ''{0}''")
        @ValueSource(strings = {"/v1/chat/./completions", "/v1//chat/completions", "/v1/chat/completions;x=1",
                "/v1/chat%2Fcompletions", "/v1/chat%2fcompletions", "/v1/chat/%2e%2e/chat/completions",
                "/v1/chat/%2E/completions", "/v1/chat/completions/", "/v1/chat/completions/..", "/v1/chat/%63ompletions",
                "v1/chat/completions", "http://upstream/v1/chat/completions", "/v1/chat/completions#frag", ""})
        @DisplayName("dot segments, escaped slashes and dots, empty segments, parameters and other spellings are refused")
        void oddSpellings(String uri) {
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", uri, "x-original-method", "POST")));
        }

        @Test
        @DisplayName("the original method is checked against the allow-list too")
        void method() {
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", "/v1/chat/completions", "x-original-method", "GET")));
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", "/v1/models", "x-original-method", "DELETE")));
            assertRefusedPath(nginx.get("/auth", withKey("x-original-uri", "/v1/chat/completions")));
            assertThat(nginx.get("/auth", withKey("x-original-uri", "/v1/models", "x-original-method", "GET"))
                    .statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("an Envoy-style path suffix does not count behind nginx")
        void otherProxysCarrier() {
            assertRefusedPath(nginx.request("POST", "/auth/v1/chat/completions", withKey()));
        }

        @Test
        @DisplayName("fails closed: no original URI, or a key limited to models it cannot see")
        void failsClosed() {
            FakeKeycloak.Key scoped = keycloak.mintKey("olga", "model:model-a");

            assertRefusedPath(nginx.get("/auth", withKey()));
            HttpResponse<String> scopedKey = nginx.get("/auth", "x-original-uri", "/v1/chat/completions",
                    "x-original-method", "POST", "authorization", "Bearer " + scoped.token());
            assertThat(scopedKey.statusCode()).isEqualTo(403);
            assertThat(code(scopedKey)).isEqualTo("model_not_allowed");
        }

        @Test
        @DisplayName("401 with a Bearer challenge for a bad key; 503 with retry-after when Keycloak cannot be asked")
        void refusals() {
            HttpResponse<String> bad = nginx.get("/auth", "x-original-uri", "/v1/models", "x-original-method", "GET",
                    "authorization", "Bearer ik_nope");
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(bad.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(code(bad)).isEqualTo("invalid_api_key");

            FakeKeycloak.Key unseen = keycloak.mintKey("uma");
            keycloak.setDown(true);
            try {
                HttpResponse<String> unavailable = nginx.get("/auth", "x-original-uri", "/v1/models",
                        "x-original-method", "GET", "authorization", "Bearer " + unseen.token());
                assertThat(unavailable.statusCode()).isEqualTo(503);
                assertThat(unavailable.headers().firstValue("retry-after")).isPresent();
            } finally {
                keycloak.setDown(false);
            }
        }
    }

    @Nested
    @DisplayName("Traefik ForwardAuth: X-Forwarded-Uri and X-Forwarded-Method")
    class Traefik {

        @Test
        @DisplayName("an allow-listed path with its method: 200 with the identity headers Traefik copies (authResponseHeadersRegex ^X-Auth-)")
        void approves() {
            HttpResponse<String> response = traefik.get("/auth", withKey("x-forwarded-uri", "/v1/embeddings",
                    "x-forwarded-method", "POST", "x-forwarded-host", "api.example.edu", "x-forwarded-proto", "https"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-auth-user")).hasValue("olga");
        }

        @Test
        @DisplayName("a client-added X-Original-URI that disagrees is refused, not preferred")
        void conflictingCarrier() {
            assertRefusedPath(traefik.get("/auth", withKey("x-forwarded-uri", "/metrics", "x-forwarded-method", "GET",
                    "x-original-uri", "/v1/models")));
            assertRefusedPath(traefik.get("/auth", withKey("x-forwarded-uri", "/v1/models", "x-forwarded-method", "GET",
                    "x-original-uri", "/metrics")));
        }

        @Test
        @DisplayName("the method comes from X-Forwarded-Method, and must fit the path")
        void method() {
            assertRefusedPath(traefik.get("/auth", withKey("x-forwarded-uri", "/v1/embeddings")));
            assertRefusedPath(traefik.get("/auth", withKey("x-forwarded-uri", "/v1/embeddings", "x-forwarded-method", "PUT")));
            assertRefusedPath(traefik.get("/auth", withKey("x-forwarded-uri", "/v1/embeddings",
                    "x-forwarded-method", "POST", "x-original-method", "GET")));
        }

        @Test
        @DisplayName("a refusal is a complete OpenAI-style answer, which Traefik returns to the client as it is")
        void refusalBody() {
            HttpResponse<String> bad = traefik.get("/auth", "x-forwarded-uri", "/v1/models", "x-forwarded-method", "GET",
                    "authorization", "Bearer ik_nope");

            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(bad.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        }
    }

    @Nested
    @DisplayName("Envoy ext_authz (HTTP service): /auth/<original path> with the original method")
    class Envoy {

        @Test
        @DisplayName("an allow-listed path with its method: 200 with the identity headers")
        void approves() {
            HttpResponse<String> response = envoy.request("POST", "/auth/v1/chat/completions", withKey());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-auth-key-id")).hasValue(key.keyId());
        }

        @Test
        @DisplayName("the method is the check request's own: GET of an inference path is refused")
        void method() {
            assertRefusedPath(envoy.request("GET", "/auth/v1/chat/completions", withKey()));
            assertThat(envoy.request("GET", "/auth/v1/models", withKey()).statusCode()).isEqualTo(200);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/auth/v1/models/../../metrics", "/auth/v1/models/..%2f..%2fmetrics", "/auth/metrics",
                "/auth/v1/models/model-a", "/auth"})
        @DisplayName("dot segments, escapes, paths off the list and /v1/models/{id} are refused")
        void paths(String path) {
            assertRefusedPath(envoy.request("GET", path, withKey()));
        }

        @Test
        @DisplayName("a client header naming another original URI is refused")
        void conflictingCarrier() {
            assertRefusedPath(envoy.request("POST", "/auth/v1/chat/completions", withKey("x-original-uri", "/metrics")));
        }

        @Test
        @DisplayName("the approval tells Envoy to remove the client's credential and the X-Auth-* headers it does not set")
        void headersToRemove() {
            HttpResponse<String> response = envoy.request("POST", "/auth/v1/chat/completions",
                    withKey("x-api-key", key.token(), "x-auth-role", "admin", "x-auth-user", "mallory"));

            assertThat(response.statusCode()).isEqualTo(200);
            List<String> removed = Arrays.stream(response.headers().firstValue("x-envoy-auth-headers-to-remove")
                    .orElseThrow().split(",")).map(String::trim).toList();
            assertThat(removed).contains("authorization", "x-api-key", "api-key", "apikey", "cookie", "x-auth-role")
                    .doesNotContain("x-auth-user"); // replaced by the gateway's own through allowed_upstream_headers
            assertThat(response.headers().firstValue("x-auth-user")).hasValue("olga");
        }

        @Test
        @DisplayName("the approval carries the gateway's own request id for the upstream, never the client's X-Request-Id")
        void requestId() {
            String clients = "client-chosen-id";
            HttpResponse<String> first = envoy.request("POST", "/auth/v1/chat/completions", withKey("x-request-id", clients));
            HttpResponse<String> second = envoy.request("POST", "/auth/v1/chat/completions", withKey("x-request-id", clients));

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().allValues("x-request-id")).singleElement().asString().matches("[0-9a-f]{32}");
            assertThat(second.headers().firstValue("x-request-id")).isPresent()
                    .isNotEqualTo(first.headers().firstValue("x-request-id"));
        }
    }
}
