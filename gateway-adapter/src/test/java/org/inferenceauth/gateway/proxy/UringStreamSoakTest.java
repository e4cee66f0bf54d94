package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A soak for streams through the gateway, run by hand ({@code -Dsoak.rounds=N}): GatewayUsageIT's calls on
 * io_uring (or {@code -Dsoak.transport=nio}), a fresh Vert.x, gateway and upstreams each round, with
 * {@code -Dsoak.repeat}, {@code -Dsoak.concurrency} (SDK clients at once) and {@code -Dsoak.loops} (event loops).
 */
@EnabledIfSystemProperty(named = "soak.rounds", matches = "\\d+")
class UringStreamSoakTest {

    static final int ROUNDS = Integer.getInteger("soak.rounds", 20);
    static final int REPEAT = Integer.getInteger("soak.repeat", 20);
    static final int CONCURRENCY = Integer.getInteger("soak.concurrency", 1);
    /** How long the upstream keeps an idle connection (uvicorn: 5 s). */
    static final int UPSTREAM_KEEP_ALIVE_MS = Integer.getInteger("soak.upstreamKeepAliveMs", 5000);
    /** A pause before each stream (to meet the upstream's idle close). */
    static final int PAUSE_MS = Integer.getInteger("soak.pauseMs", 0);

    @Test
    void soak() throws Exception {
        Transport transport = "nio".equals(System.getProperty("soak.transport")) ? Transport.NIO : Transport.IO_URING;
        Assumptions.assumeTrue(transport.available(), "no io_uring here: " + transport.unavailabilityCause());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger streams = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            Vertx vertx = Vertx.builder().with(new io.vertx.core.VertxOptions().setEventLoopPoolSize(Integer.getInteger("soak.loops", 4))).withTransport(transport).build();
            FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
            DemoUpstream alpha = new DemoUpstream(vertx, List.of("model-a"), Duration.ofMillis(100)).start("127.0.0.1", 0).await();
            DemoUpstream beta = new DemoUpstream(vertx, List.of("model-b", "model-c"), Duration.ZERO)
                    .keepAlive(Duration.ofMillis(UPSTREAM_KEEP_ALIVE_MS), Duration.ZERO).start("127.0.0.1", 0).await();
            GatewayFixture gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(),
                    alpha.baseUrl() + "," + beta.baseUrl(), Map.of()));
            String token = keycloak.mintKey("soak").token();
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int c = 0; c < CONCURRENCY; c++) {
                    int r = round;
                    runs.add(pool.submit(() -> {
                        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(token)
                                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
                        for (int i = 0; i < REPEAT; i++) {
                            for (int k = 0; k < 3; k++) {
                                sdk.chat().completions().create(ask("model-b").build()).usage().orElseThrow();
                            }
                            for (boolean usage : new boolean[] {true, false}) {
                                try {
                                    if (PAUSE_MS > 0) {
                                        Thread.sleep(PAUSE_MS);
                                    }
                                    streams.incrementAndGet();
                                    streamed(sdk, "model-b", usage);
                                } catch (RuntimeException | InterruptedException e) {
                                    StringBuilder s = new StringBuilder("round " + r + " i " + i + " usage " + usage + ": " + e);
                                    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                                        s.append(" <- ").append(t);
                                    }
                                    System.err.println("SOAK FAILURE " + s + "\n" + gateway.accessLog());
                                    e.printStackTrace();
                                    failures.add(s.toString());
                                }
                            }
                        }
                        sdk.close();
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                pool.shutdown();
                gateway.close();
                vertx.close().await();
            }
        }
        System.err.println("SOAK " + transport.name() + ": " + failures.size() + " failures in " + streams.get() + " streams");
        assertThat(failures).isEmpty();
    }

    static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("How many tokens is this question?");
    }

    static void streamed(OpenAIClient sdk, String model, boolean includeUsage) {
        ChatCompletionCreateParams.Builder params = ask(model);
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        int chunks = 0;
        boolean usage = false;
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params.build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                usage |= chunk.usage().isPresent();
            }
        }
        if (chunks < 2 || usage != includeUsage) {
            throw new IllegalStateException("chunks " + chunks + " usage " + usage);
        }
    }
}
