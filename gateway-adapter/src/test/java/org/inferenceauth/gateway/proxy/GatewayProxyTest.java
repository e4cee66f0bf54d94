package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.testing.ProductionVertx;
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

@DisplayName("The gateway in front of two demo upstreams, with a fake Keycloak")
class GatewayProxyTest {

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream alpha;
    static DemoUpstream beta;
    static GatewayFixture gateway;
    static FakeKeycloak.Key key;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        // Like vLLM started with --api-key: every /v1 call must carry the gateway's upstream key.
        alpha = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).requireApiKey("upstream-own-key")
                .start("127.0.0.1", 0).await();
        beta = new DemoUpstream(vertx, List.of("model-b", "model-c"), Duration.ZERO).requireApiKey("upstream-own-key")
                .start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(),
                alpha.baseUrl() + "," + beta.baseUrl(), Map.of("GATEWAY_UPSTREAM_API_KEY", "upstream-own-key")));
        key = keycloak.mintKey("alice");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    static String chat(String model) {
        return new JsonObject().put("model", model)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi there")))
                .encode();
    }

    static String bearer(FakeKeycloak.Key k) {
        return "Bearer " + k.token();
    }

    static JsonObject error(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error");
    }

    @Nested
    @DisplayName("routing by model")
    class Routing {

        @Test
        @DisplayName("each model's call reaches the upstream that serves it")
        void routesByModel() {
            HttpResponse<String> a = gateway.post("/v1/chat/completions", chat("model-a"), "authorization", bearer(key));
            HttpResponse<String> c = gateway.post("/v1/chat/completions", chat("model-c"), "authorization", bearer(key));

            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(a.body()).getString("model")).isEqualTo("model-a");
            assertThat(alpha.received().get(0).body().getString("model")).isEqualTo("model-a");
            assertThat(c.statusCode()).isEqualTo(200);
            assertThat(beta.received().get(0).body().getString("model")).isEqualTo("model-c");
        }

        @Test
        @DisplayName("GET /v1/models answers the union of the upstreams' lists")
        void modelUnion() {
            HttpResponse<String> models = gateway.get("/v1/models", "authorization", bearer(key));

            assertThat(models.statusCode()).isEqualTo(200);
            JsonObject list = new JsonObject(models.body());
            assertThat(list.getString("object")).isEqualTo("list");
            assertThat(list.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")))
                    .containsExactly("model-a", "model-b", "model-c");
        }

        @Test
        @DisplayName("the model list is filtered to the key's model scopes, and other models get 403 model_not_allowed")
        void scopedKey() {
            FakeKeycloak.Key scoped = keycloak.mintKey("bob", "model:model-b", "inference");

            JsonObject list = new JsonObject(gateway.get("/v1/models", "x-api-key", scoped.token()).body());
            HttpResponse<String> allowed = gateway.post("/v1/chat/completions", chat("model-b"), "x-api-key", scoped.token());
            HttpResponse<String> denied = gateway.post("/v1/chat/completions", chat("model-a"), "x-api-key", scoped.token());
            HttpResponse<String> oneModel = gateway.get("/v1/models/model-a", "x-api-key", scoped.token());

            assertThat(list.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id"))).containsExactly("model-b");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(error(denied).getString("code")).isEqualTo("model_not_allowed");
            assertThat(error(denied).getString("param")).isEqualTo("model");
            assertThat(oneModel.statusCode()).isEqualTo(404);
        }

        @Test
        @DisplayName("a body naming a second model under a differently-cased key is refused, not forwarded")
        void caseVariantModelKey() {
            FakeKeycloak.Key scoped = keycloak.mintKey("bob", "model:model-b");
            int before = alpha.received().size() + beta.received().size();

            HttpResponse<String> smuggled = gateway.post("/v1/chat/completions",
                    "{\"model\":\"model-b\",\"MODEL\":\"model-a\",\"messages\":[]}", "x-api-key", scoped.token());

            assertThat(smuggled.statusCode()).isEqualTo(400);
            assertThat(error(smuggled).getString("param")).isEqualTo("model");
            assertThat(alpha.received().size() + beta.received().size()).isEqualTo(before);
        }

        @Test
        @DisplayName("GET /v1/models/{id} answers one model")
        void oneModel() {
            HttpResponse<String> model = gateway.get("/v1/models/model-b", "authorization", bearer(key));

            assertThat(model.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(model.body()).getString("id")).isEqualTo("model-b");
        }

        @Test
        @DisplayName("a model no upstream lists goes to the default (first) upstream, which answers 404 for it")
        void unknownModelToDefault() {
            int before = alpha.received().size();
            HttpResponse<String> response = gateway.post("/v1/chat/completions", chat("nope"), "authorization", bearer(key));

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(alpha.received().size()).isGreaterThan(before);
            assertThat(alpha.received().get(0).body().getString("model")).isEqualTo("nope");
        }

        @Test
        @DisplayName("a client that waits for 100-continue before sending the body (curl with a large body) is served promptly")
        void expectContinue() throws Exception {
            byte[] body = chat("model-a").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.server().port())) {
                socket.setSoTimeout(2000);
                var out = socket.getOutputStream();
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8));
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key.token()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nExpect: 100-continue\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();

                assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
                assertThat(in.readLine()).isEmpty();
                out.write(body);
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            }
        }

        @Test
        @DisplayName("completions are proxied too")
        void completions() {
            HttpResponse<String> response = gateway.post("/v1/completions",
                    new JsonObject().put("model", "model-b").put("prompt", "Say hi").encode(), "api-key", key.token());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(response.body()).getString("object")).isEqualTo("text_completion");
        }

        @Test
        @DisplayName("embeddings are proxied, routed by model, and come back in OpenAI's shape with usage")
        void embeddings() {
            HttpResponse<String> response = gateway.post("/v1/embeddings", new JsonObject().put("model", "model-c")
                    .put("input", new JsonArray().add("first text").add("second")).encode(), "authorization", bearer(key));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(response.body());
            assertThat(body.getString("object")).isEqualTo("list");
            assertThat(body.getJsonArray("data")).hasSize(2);
            assertThat(body.getJsonArray("data").getJsonObject(1).getString("object")).isEqualTo("embedding");
            assertThat(body.getJsonObject("usage").getInteger("prompt_tokens")).isEqualTo(3);
            assertThat(beta.received().get(0).uri()).isEqualTo("/v1/embeddings");
            assertThat(beta.received().get(0).headers().get("x-auth-key-id")).isEqualTo(key.keyId());
        }
    }

    @Nested
    @DisplayName("the allow-list")
    class AllowList {

        @ParameterizedTest(name = "{0} is 404 at the gateway, even with a valid key")
        @ValueSource(strings = {"/metrics", "/health", "/tokenize", "/invocations", "/pooling", "/score", "/start_profile",
                "/v1/chat/completions/../../metrics", "/v1/load_lora_adapter", "/", "/v1"})
        void blocked(String path) {
            HttpResponse<String> get = gateway.get(path, "authorization", bearer(key));
            HttpResponse<String> post = gateway.post(path, chat("model-a"), "authorization", bearer(key));

            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(post.statusCode()).isEqualTo(404);
            assertThat(error(get).getString("code")).isEqualTo("unknown_url");
        }

        @Test
        @DisplayName("GET on an inference path is 404 (only POST is proxied)")
        void wrongMethod() {
            assertThat(gateway.get("/v1/chat/completions", "authorization", bearer(key)).statusCode()).isEqualTo(404);
        }
    }

    @Nested
    @DisplayName("credentials")
    class Credentials {

        @ParameterizedTest(name = "a key in {0} is accepted")
        @ValueSource(strings = {"authorization", "x-api-key", "api-key", "apikey"})
        void headers(String header) {
            String value = header.equals("authorization") ? bearer(key) : key.token();
            assertThat(gateway.post("/v1/chat/completions", chat("model-a"), header, value).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("no credential: 401 invalid_api_key with a bare Bearer challenge")
        void missing() {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", chat("model-a"));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(error(response).getString("code")).isEqualTo("invalid_api_key");
            assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
            assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"inference\"");
        }

        @Test
        @DisplayName("the challenge names the realm of the configured issuer (here one the fake realm URL is not named after)")
        void realmFromIssuer() {
            try (GatewayFixture physics = GatewayFixture.start(vertx, GatewayFixture.env("https://sso.example.edu/realms/physics",
                    alpha.baseUrl(), Map.of("GATEWAY_KEYCLOAK_REALM_URL", keycloak.issuer(),
                            "GATEWAY_UPSTREAM_API_KEY", "upstream-own-key")))) {
                HttpResponse<String> missing = physics.post("/v1/chat/completions", chat("model-a"));
                HttpResponse<String> unknown = physics.get("/v1/models", "authorization",
                        "Bearer " + org.inferenceauth.apikey.format.ApiKeyFormat.defaultFormat().generate().token());

                assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"physics\"");
                assertThat(unknown.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer realm=\"physics\", ");
                assertThat(physics.get("/v1/models", "authorization", bearer(key)).statusCode()).isEqualTo(200);
            }
        }

        @Test
        @DisplayName("a key with a bad checksum is refused without asking Keycloak, and never echoed")
        void badChecksum() {
            String typo = key.token().substring(0, key.token().length() - 1)
                    + (key.token().endsWith("A") ? "B" : "A");
            int before = keycloak.introspections();

            HttpResponse<String> response = gateway.get("/v1/models", "authorization", "Bearer " + typo);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"");
            assertThat(response.body()).doesNotContain(typo).doesNotContain(typo.substring(3, 15));
            assertThat(keycloak.introspections()).isEqualTo(before);
        }

        @Test
        @DisplayName("a well-formed but unknown key is 401 after one introspection, then cached negatively")
        void unknownKey() {
            String unknown = org.inferenceauth.apikey.format.ApiKeyFormat.defaultFormat().generate().token();
            int before = keycloak.introspections();

            assertThat(gateway.get("/v1/models", "authorization", "Bearer " + unknown).statusCode()).isEqualTo(401);
            assertThat(gateway.get("/v1/models", "authorization", "Bearer " + unknown).statusCode()).isEqualTo(401);
            assertThat(keycloak.introspections()).isEqualTo(before + 1);
        }

        @Test
        @DisplayName("the upstream sees identity headers and its own key, never the client's credential, the owner's email or forged X-Auth headers")
        void upstreamHeaders() {
            gateway.post("/v1/chat/completions", chat("model-a"), "authorization", bearer(key),
                    "x-api-key", key.token(), "X-Auth-User", "mallory", "X-Auth-Project", "stolen", "Cookie", "s=1");

            var headers = alpha.received().get(0).headers();
            assertThat(headers.get("authorization")).isEqualTo("Bearer upstream-own-key");
            assertThat(headers.get("x-api-key")).isNull();
            assertThat(headers.get("cookie")).isNull();
            assertThat(headers.getAll("x-auth-user")).containsExactly("alice");
            assertThat(headers.getAll("x-auth-project")).containsExactly("personal");
            assertThat(headers.get("x-auth-key-id")).isEqualTo(key.keyId());
            assertThat(headers.get("x-auth-client")).isEqualTo("account-console");
            assertThat(String.valueOf(headers.entries())).doesNotContain(key.token());
            // Introspection answers the owner's email (FakeKeycloak: alice@example.edu); it is never passed on.
            assertThat(String.valueOf(headers.entries()).toLowerCase()).as("never the email").doesNotContain("@example.edu");
        }

        @Test
        @DisplayName("the access log names the key id, never the key")
        void accessLogHasNoSecrets() {
            gateway.post("/v1/chat/completions", chat("model-a"), "authorization", bearer(key));

            gateway.awaitAccessLogLine("\"key_id\":\"" + key.keyId() + "\"");
            assertThat(gateway.accessLog()).doesNotContain(key.token());
        }
    }

    @Nested
    @DisplayName("bad requests")
    class BadRequests {

        @Test
        @DisplayName("a body without model is 400 missing_required_parameter")
        void missingModel() {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", "{\"messages\":[]}", "authorization", bearer(key));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(error(response).getString("param")).isEqualTo("model");
        }

        @Test
        @DisplayName("a body that is not JSON is 400 invalid_json")
        void notJson() {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", "model=model-a", "authorization", bearer(key));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(error(response).getString("code")).isEqualTo("invalid_json");
        }

        @Test
        @DisplayName("a body over the limit is 413 and never reaches an upstream")
        void tooLarge() {
            try (GatewayFixture small = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), alpha.baseUrl(),
                    Map.of("GATEWAY_MAX_BODY_BYTES", "1000", "GATEWAY_UPSTREAM_API_KEY", "upstream-own-key")))) {
                int before = alpha.received().size();
                String big = new JsonObject().put("model", "model-a").put("prompt", "x".repeat(5000)).encode();

                HttpResponse<String> response = small.post("/v1/completions", big, "authorization", bearer(key));

                assertThat(response.statusCode()).isEqualTo(413);
                assertThat(error(response).getString("code")).isEqualTo("request_too_large");
                assertThat(alpha.received().size()).isEqualTo(before);
            }
        }
    }

    @Nested
    @DisplayName("upstream failures")
    class UpstreamFailures {

        @Test
        @DisplayName("an upstream that is down gives 502 in OpenAI's shape, fast")
        void down() throws Exception {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            // A refused connection must answer at once, not after the connect timeout: make that timeout
            // so long that telling the two apart needs no tight deadline.
            try (GatewayFixture toNowhere = GatewayFixture.startWithUpstreamDown(vertx, GatewayFixture.env(keycloak.issuer(),
                    "http://127.0.0.1:" + closedPort + "/v1", Map.of("GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "2m")))) {
                long started = System.nanoTime();
                HttpResponse<String> response = toNowhere.post("/v1/chat/completions", chat("model-a"), "authorization", bearer(key));

                assertThat(response.statusCode()).isEqualTo(502);
                assertThat(error(response).getString("type")).isEqualTo("server_error");
                assertThat(error(response).getString("code")).isEqualTo("upstream_unavailable");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
            }
        }

        @Test
        @DisplayName("an upstream that does not answer within the idle timeout gives 504")
        void timeout() {
            try (GatewayFixture impatient = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), alpha.baseUrl(),
                    Map.of("GATEWAY_UPSTREAM_IDLE_TIMEOUT", "300ms", "GATEWAY_UPSTREAM_API_KEY", "upstream-own-key")))) {
                String slow = new JsonObject(chat("model-a")).put("demo_delay_ms", 3000).encode();

                HttpResponse<String> response = impatient.post("/v1/chat/completions", slow, "authorization", bearer(key));

                assertThat(response.statusCode()).isEqualTo(504);
                assertThat(error(response).getString("code")).isEqualTo("upstream_timeout");
            }
        }
    }
}
