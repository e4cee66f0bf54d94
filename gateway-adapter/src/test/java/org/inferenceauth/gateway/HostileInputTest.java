package org.inferenceauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.inferenceauth.apikey.format.SeededKeys;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile requests over real sockets against a real gateway (proxy and forward-auth
 * doors) with the fake realm: forged and malformed keys, forged JWTs, oversized and repeated
 * headers, odd paths and escapes, hostile bodies, Content-Length with Transfer-Encoding. None may be
 * accepted, none may get a 5xx other than 503 auth_unavailable, none may see a credential echoed,
 * and the gateway must still serve a valid key afterwards. The seed is printed; rerun one with
 * {@code -Dhostile.seed=…}.
 */
@DisplayName("Hostile input at the gateway: never accepted, never a 5xx, never an echo")
class HostileInputTest {

    static final int INPUTS = 10_000;

    /** One generated request and what must never come back in its answer. */
    record Input(String kind, byte[] request, List<String> secrets) {}

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static GatewayFixture gateway;
    static FakeKeycloak.Key valid;
    static List<String> forgedJwts;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_FORWARD_AUTH_PROXY", "nginx", "GATEWAY_ACCESS_LOG", "false")));
        valid = keycloak.mintKey("valerie");
        assertThat(gateway.get("/v1/models", "authorization", "Bearer " + valid.token()).statusCode()).isEqualTo(200);
        forgedJwts = forgedJwts();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    /** Tokens an attacker would try: none signed by the realm's key with the right claims. */
    static List<String> forgedJwts() throws Exception {
        Instant now = Instant.now();
        List<String> tokens = new ArrayList<>();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(keycloak.issuer()).subject("admin")
                .audience("inference-gateway").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("typ", "Bearer").build();
        tokens.add(new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(), claims).serialize());
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("test-key").build(), claims);
        hmac.sign(new MACSigner(keycloak.publicKey().toRSAPublicKey().getEncoded())); // the key-confusion attack
        tokens.add(hmac.serialize());
        tokens.add(keycloak.accessToken("u", c -> c.issuer("http://evil.example/realms/inference")));
        tokens.add(keycloak.accessToken("u", c -> c.audience("someone-else")));
        tokens.add(keycloak.accessToken("u", c -> c.issueTime(Date.from(now.minusSeconds(900)))
                .expirationTime(Date.from(now.minusSeconds(600)))));
        tokens.add(keycloak.accessToken("u", c -> c.notBeforeTime(Date.from(now.plusSeconds(600)))));
        tokens.add(keycloak.accessToken("u", c -> c.claim("typ", "Refresh")));
        String[] parts = keycloak.accessToken("u", c -> {}).split("\\.");
        tokens.add(parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        tokens.add(parts[0] + "." + parts[1] + ".");
        tokens.add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.");
        return tokens;
    }

    @Test
    @DisplayName("10,000 generated hostile requests")
    void hostileRequests() throws Exception {
        long seed = Long.getLong("hostile.seed", System.nanoTime());
        System.out.println("HostileInputTest seed: " + seed + " (rerun with -Dhostile.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Input> inputs = new ArrayList<>();
        List<Function<Random, Input>> generators = List.of(
                HostileInputTest::forgedOrMalformedKey, HostileInputTest::forgedJwt, HostileInputTest::headerAbuse,
                HostileInputTest::oddPath, HostileInputTest::hostileBody, HostileInputTest::contentLengthAndChunked,
                HostileInputTest::forwardAuthTricks);
        for (int i = 0; i < INPUTS; i++) {
            inputs.add(generators.get(random.nextInt(generators.size())).apply(random));
        }

        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (Input input : inputs) {
            pool.execute(() -> check(input, violations));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).as("all inputs answered").isTrue();

        assertThat(violations).as("seed " + seed).isEmpty();
        assertThat(gateway.get("/v1/models", "authorization", "Bearer " + valid.token()).statusCode())
                .as("the gateway still serves a valid key").isEqualTo(200);
    }

    static void check(Input input, ConcurrentLinkedQueue<String> violations) {
        String raw;
        try {
            List<RawHttp.Response> responses = RawHttp.exchange(InetAddress.getLoopbackAddress(), gateway.server().port(),
                    input.request(), Duration.ofSeconds(10));
            raw = responses.stream().map(RawHttp.Response::whole).reduce("", String::concat);
            for (RawHttp.Response response : responses) {
                if (response.status() / 100 == 2 || response.status() == 101) {
                    violations.add(input.kind() + ": accepted with " + response.status());
                }
                if (response.status() / 100 == 5 && !(response.status() == 503 && response.body().contains("auth_unavailable"))) {
                    violations.add(input.kind() + ": " + response.status() + " " + response.body());
                }
            }
        } catch (RuntimeException e) {
            violations.add(input.kind() + ": " + e);
            return;
        }
        for (String secret : input.secrets()) {
            if (!secret.isEmpty() && raw.contains(secret)) {
                violations.add(input.kind() + ": echoed a credential");
            }
        }
    }

    // ---- generators ------------------------------------------------------------------------------------------

    static final String[] CREDENTIAL_HEADERS = {"Authorization: Bearer ", "X-Api-Key: ", "Api-Key: ", "Apikey: ",
            "authorization: bearer ", "Authorization: Basic "};

    static Input request(String kind, String method, String target, String headers, byte[] body, List<String> secrets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = method + " " + target + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n" + headers
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return new Input(kind, out.toByteArray(), secrets);
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    static Input forgedOrMalformedKey(Random random) {
        String forged = SeededKeys.forge(random);
        String key = switch (random.nextInt(8)) {
            case 0 -> forged.substring(0, 10 + random.nextInt(forged.length() - 10)); // truncated paste
            case 1 -> "sk-" + forged.substring(3); // another vendor's prefix
            case 2 -> forged + forged; // pasted twice
            case 3 -> forged.replace('a', 'ä'); // not ASCII
            case 4 -> forged.substring(0, 20) + "\u0000" + forged.substring(21);
            default -> forged; // well-formed, checksum right, never issued
        };
        String header = CREDENTIAL_HEADERS[random.nextInt(CREDENTIAL_HEADERS.length)];
        boolean post = random.nextBoolean();
        return request("forged key", post ? "POST" : "GET", post ? "/v1/chat/completions" : "/v1/models",
                header + key + "\r\nContent-Type: application/json\r\n",
                post ? chat("model-a").getBytes(StandardCharsets.UTF_8) : null, List.of(key, forged));
    }

    static Input forgedJwt(Random random) {
        String token = forgedJwts.get(random.nextInt(forgedJwts.size()));
        return request("forged JWT", "GET", "/v1/models", "Authorization: Bearer " + token + "\r\n", null, List.of(token));
    }

    static Input headerAbuse(Random random) {
        String forged = SeededKeys.forge(random);
        StringBuilder headers = new StringBuilder();
        switch (random.nextInt(5)) {
            case 0 -> headers.append("Authorization: Bearer ").append(forged).append("x".repeat(8_000 + random.nextInt(30_000)))
                    .append("\r\n");
            case 1 -> {
                for (int i = 0; i < 100 + random.nextInt(400); i++) {
                    headers.append("X-Junk-").append(i).append(": ").append("v".repeat(random.nextInt(100))).append("\r\n");
                }
                headers.append("Authorization: Bearer ").append(forged).append("\r\n");
            }
            // The valid key next to a forged one: which counts would be a guess, so neither does.
            case 2 -> headers.append("Authorization: Bearer ").append(valid.token()).append("\r\nAuthorization: Bearer ")
                    .append(forged).append("\r\n");
            case 3 -> headers.append("X-Api-Key: ").append(forged).append("\r\nAuthorization: Bearer ").append(valid.token())
                    .append("\r\n");
            default -> headers.append("X-Auth-User: admin\r\nX-Auth-Key-Id: ").append(valid.keyId())
                    .append("\r\nX-Forwarded-For: 127.0.0.1\r\nAuthorization: Bearer ").append(forged).append("\r\n");
        }
        return request("header abuse", "GET", "/v1/models", headers.toString(), null, List.of(forged, valid.token()));
    }

    static final String[] ODD_PATHS = {"/metrics", "/v1/models/../../metrics", "/v1/%2e%2e/metrics", "/v1/chat/completions/..",
            "/v1//chat/completions", "/v1/chat/completions;jsessionid=1", "/v1/chat%2Fcompletions", "/v1/models%00",
            "/start_profile", "/v1/load_lora_adapter", "/invocations", "/v1/models/%zz", "/v1/models/%", "/v1/models/%%32%65",
            "/v1/chat/completions%20", "/V1/CHAT/COMPLETIONS", "/v1/chat/completions/", "//v1/models", "/./v1/models",
            "/v1/models/..%2f..%2fmetrics", "/v1/embeddings/../../health", "/tokenize", "/v1/responses", "*",
            "http://evil.example/metrics", "/v1/models/%C0%AE%C0%AE/metrics", "/auth/../metrics"};

    static Input oddPath(Random random) {
        String path = ODD_PATHS[random.nextInt(ODD_PATHS.length)];
        if (random.nextInt(4) == 0) {
            path = path + "/" + "%41".repeat(random.nextInt(200)); // long, escaped tails
        }
        boolean post = random.nextBoolean();
        return request("odd path", post ? "POST" : pick(random, "GET", "DELETE", "PUT", "OPTIONS", "TRACE"), path,
                "Authorization: Bearer " + valid.token() + "\r\nContent-Type: application/json\r\n",
                post ? chat("model-a").getBytes(StandardCharsets.UTF_8) : null, List.of(valid.token()));
    }

    static Input hostileBody(Random random) {
        byte[] body = switch (random.nextInt(11)) {
            case 0 -> "{\"model\":{\"model\":\"model-a\"},\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
            case 1 -> "{\"model\":\"model-a\",\"model\":\"model-b\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
            case 2 -> "{\"model\":\"model-a\",\"Model\":\"model-b\"}".getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                byte[] bytes = chat("model-a").getBytes(StandardCharsets.UTF_8);
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x40)); // not UTF-8
                yield bytes;
            }
            case 4 -> ("{\"model\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"model\":\"" + "m".repeat(100_000 + random.nextInt(100_000)) + "\"")
                    .getBytes(StandardCharsets.UTF_8); // huge, and never closed
            case 6 -> ("\uFEFF" + chat("model-a")).getBytes(StandardCharsets.UTF_8);
            case 7 -> chat("model-a").getBytes(StandardCharsets.UTF_16);
            case 8 -> (chat("model-a") + "{\"model\":\"model-b\"}").getBytes(StandardCharsets.UTF_8);
            case 9 -> pick(random, "{\"model\":null}", "{\"model\":42}", "{\"model\":\"  \"}", "[]", "null", "\"model-a\"", "")
                    .getBytes(StandardCharsets.UTF_8);
            default -> new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        };
        return request("hostile body", "POST", pick(random, "/v1/chat/completions", "/v1/completions", "/v1/embeddings"),
                "Authorization: Bearer " + valid.token() + "\r\nContent-Type: application/json\r\n", body,
                List.of(valid.token()));
    }

    static Input contentLengthAndChunked(Random random) {
        String forged = SeededKeys.forge(random);
        String body = "0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n";
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + forged
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (random.nextBoolean() ? 4 : body.length())
                + "\r\nTransfer-Encoding: " + pick(random, "chunked", "Chunked", "chunked, identity", " chunked") + "\r\n\r\n";
        return new Input("CL+TE", (head + body).getBytes(StandardCharsets.UTF_8), List.of(forged));
    }

    static Input forwardAuthTricks(Random random) {
        String forged = SeededKeys.forge(random);
        String credential = random.nextInt(3) == 0 ? forged : valid.token();
        String headers = switch (random.nextInt(6)) {
            case 0 -> "X-Original-URI: /v1/models/../../metrics\r\nX-Original-Method: GET\r\n";
            case 1 -> "X-Original-URI: /v1/chat/completions\r\nX-Original-Method: POST\r\nX-Forwarded-Uri: /metrics\r\n";
            case 2 -> "X-Original-URI: /v1/models/x/../../../start_profile\r\nX-Original-Method: GET\r\n";
            case 3 -> "X-Original-URI: /v1/models/..%2f..%2fmetrics\r\nX-Original-Method: GET\r\n";
            case 4 -> "X-Original-URI: /v1/chat/completions\r\nX-Original-URI: /v1/models\r\nX-Original-Method: POST\r\n";
            default -> "X-Original-URI: /v1/chat/completions\r\nX-Original-Method: GET\r\n";
        };
        return request("forward-auth", "GET", pick(random, "/auth", "/auth/v1/chat/completions", "/auth/../metrics"),
                headers + "Authorization: Bearer " + credential + "\r\n", null, List.of(credential, forged));
    }
}
