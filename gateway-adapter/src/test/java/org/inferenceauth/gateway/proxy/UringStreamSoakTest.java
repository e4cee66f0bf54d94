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

/** TEMPORARY reproducer: GatewayUsageIT's sequence, on io_uring (or -Dsoak.transport=nio), many rounds. */
class UringStreamSoakTest {

    static final int ROUNDS = Integer.getInteger("soak.rounds", 20);
    static final int REPEAT = Integer.getInteger("soak.repeat", 20);
    static final int CONCURRENCY = Integer.getInteger("soak.concurrency", 1);

    @Test
    void soak() throws Exception {
        Transport transport = "nio".equals(System.getProperty("soak.transport")) ? Transport.NIO : Transport.IO_URING;
        Assumptions.assumeTrue(transport.available(), "no io_uring here: " + transport.unavailabilityCause());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger streams = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            Vertx vertx = Vertx.builder().withTransport(transport).build();
            FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
            DemoUpstream alpha = new DemoUpstream(vertx, List.of("model-a"), Duration.ofMillis(100)).start("127.0.0.1", 0).await();
            DemoUpstream beta = new DemoUpstream(vertx, List.of("model-b", "model-c"), Duration.ZERO).start("127.0.0.1", 0).await();
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
                                    streams.incrementAndGet();
                                    streamed(sdk, "model-b", usage);
                                } catch (RuntimeException e) {
                                    StringBuilder s = new StringBuilder("round " + r + " i " + i + " usage " + usage + ": " + e);
                                    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                                        s.append(" <- ").append(t);
                                    }
                                    System.err.println("SOAK FAILURE " + s);
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
