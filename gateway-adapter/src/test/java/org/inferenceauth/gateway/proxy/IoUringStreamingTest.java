package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Streams through a gateway on io_uring, with the gateway and an upstream that writes as fast as it
 * can on one event loop (as GatewayUsageIT runs them, with fewer loops so that they always share
 * one). Netty 4.2.9 to 4.2.12 checked a wrong assertion when two channels of one loop both made a
 * gathering write before the loop submitted them (netty/netty#16705): with assertions on, as in every
 * test run, the client connection's write failed, Netty shut its output, and the OpenAI SDK got an
 * EOF inside the chunked body. Without assertions the write went through correctly.
 */
@DisplayName("Streams through a gateway on io_uring end whole")
class IoUringStreamingTest {

    static Vertx vertx;
    static GatewayFixture gateway;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Transport.IO_URING.available(), "this host cannot run io_uring");
        // The old Netty's failure was an assertion: without -ea (surefire's default is on) this test could not catch it.
        Assumptions.assumeTrue(Class.forName("io.netty.channel.uring.IoUringIoHandler").desiredAssertionStatus(),
                "Netty's assertions are off");
        vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(Transport.IO_URING).build();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-b"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
        sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(keycloak.mintKey("uring").token())
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            gateway.close();
            vertx.close().await();
        }
    }

    @Test
    @DisplayName("GatewayUsageIT's calls, several times over: every stream reaches its finish chunk and [DONE], usage when asked")
    void streamsEndWhole() {
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 3; k++) {
                assertThat(sdk.chat().completions().create(ask().build()).usage()).isPresent();
            }
            assertThat(streamed(true)).as("round %d, with include_usage", i).containsSubsequence("stop", "usage");
            assertThat(streamed(false)).as("round %d, without include_usage", i).endsWith("stop");
        }
    }

    static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder().model("model-b").addUserMessage("How many tokens is this question?");
    }

    /** Reads one stream to its end (the SDK stops at [DONE] and throws on a cut body): its finish reasons and usage chunks. */
    static List<String> streamed(boolean includeUsage) {
        ChatCompletionCreateParams.Builder params = ask();
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        List<String> ends = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params.build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.finishReason().ifPresent(reason -> ends.add(reason.asString())));
                chunk.usage().ifPresent(usage -> ends.add("usage"));
            });
        }
        return ends;
    }
}
