package org.inferenceauth.it.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.inferenceauth.gateway.GatewayServer;
import org.inferenceauth.gateway.GatewayTransport;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;

/**
 * The gateway in-process on a free port, in front of two demo upstreams ("model-a" on one,
 * "model-b" and "model-c" on the other), authenticating against the shared real Keycloak as the
 * realm's {@code inference-gateway} client. Public for the browser tests, whose keys end at a gateway.
 */
public final class GatewayUnderTest implements AutoCloseable {

    static final Duration CHUNK_DELAY = Duration.ofMillis(100);

    // The transport the runnable jar picks (GATEWAY_TRANSPORT unset), so the end-to-end tests run on what ships.
    final Vertx vertx = Vertx.builder().withTransport(GatewayTransport.choose(Optional.empty())).build();
    final DemoUpstream alpha;
    final DemoUpstream beta;
    final GatewayServer gateway;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    public GatewayUnderTest(KeycloakServer keycloak, Map<String, String> overrides) {
        alpha = new DemoUpstream(vertx, List.of("model-a"), CHUNK_DELAY).start("127.0.0.1", 0).await();
        beta = new DemoUpstream(vertx, List.of("model-b", "model-c"), Duration.ZERO).start("127.0.0.1", 0).await();
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("GATEWAY_MANAGEMENT_PORT", "0");
        env.put("GATEWAY_UPSTREAMS", alpha.baseUrl() + "," + beta.baseUrl());
        env.put("GATEWAY_KEYCLOAK_ISSUER", keycloak.getIssuer(TestRealm.REALM));
        env.put("GATEWAY_KEYCLOAK_CLIENT_ID", TestRealm.GATEWAY_CLIENT);
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", TestRealm.GATEWAY_SECRET);
        // Generous: on a loaded 2-core build machine a first introspection took over 2 s (a 503 in the test).
        env.put("GATEWAY_KEYCLOAK_TIMEOUT", "5s");
        env.put("GATEWAY_USAGE_SPILL_DIR", "target/usage-spill");
        env.putAll(overrides);
        GatewayConfig config = GatewayConfig.fromEnv(env);
        gateway = new GatewayServer(vertx, config, new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            gateway.start().await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("gateway did not start within 60 s", e);
        }
        awaitModelLists();
    }

    /** The gateway serves before a late model list is in (bounded wait); the tests route by model, so they wait for all. */
    private void awaitModelLists() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!gateway.modelCoverage().complete()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("upstream model lists still missing after 60 s: " + gateway.modelCoverage());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/v1";
    }

    String managementUrl() {
        return "http://127.0.0.1:" + gateway.managementPort();
    }

    /**
     * Runs one revocation round (feed, then re-check) and waits for it. Keycloak writes feed entries
     * in the transaction of the revocation, so a round started after the revoking call returned sees
     * it: what the gateway promises ("within about a poll interval") is one round after its timer fires.
     */
    public void oneRevocationRound() {
        try {
            gateway.pollRevocations().await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a revocation round took over 30 s", e);
        }
    }

    /** The last call a client made through the gateway to {@code upstream} (not the gateway's own model-list refreshes). */
    DemoUpstream.Received lastProxiedTo(DemoUpstream upstream) {
        return upstream.received().stream().filter(r -> r.headers().contains("x-auth-subject")).findFirst().orElseThrow();
    }

    String accessLog() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The channel ({@code ui} or {@code api}) of each access-log line of these subjects, in order. */
    List<String> channelsOf(String... subjects) {
        Set<String> wanted = Set.of(subjects);
        return accessLog().lines().map(JsonObject::new)
                .filter(line -> "access".equals(line.getString("type")) && wanted.contains(line.getString("sub", "")))
                .map(line -> line.getString("channel")).toList();
    }

    /** The HTTP status of {@code GET /v1/models} with this credential as a bearer token. */
    public int status(String credential) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/models"))
                            .header("authorization", "Bearer " + credential).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An OpenAI SDK client pointed at the gateway, as a user would configure it; retries off so failures show. */
    public OpenAIClient sdk(String credential) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .apiKey(credential)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @Override
    public void close() {
        gateway.stop().await();
        vertx.close().await();
    }
}
