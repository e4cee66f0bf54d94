package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the OpenAI Java SDK raises when a stream breaks behind the gateway. The promise: its
 * streaming API error ({@link SseException}) with the gateway's code and message, after the chunks
 * that did arrive, never a JSON parse error from half an event.
 */
@DisplayName("Streams that break behind the gateway, as the OpenAI Java SDK sees them")
class StreamFailureSdkTest {

    static Vertx vertx;
    static GatewayFixture gateway;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ofMillis(5)).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
        sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(keycloak.mintKey("sid").token())
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    /** A streaming chat whose upstream breaks off after three words, in the demo's way {@code how}. */
    static ChatCompletionCreateParams breakingAfterThreeWords(String how) {
        return ChatCompletionCreateParams.builder().model("model-a").addUserMessage("Hello")
                .putAdditionalBodyProperty("demo_fail_after_chunks", JsonValue.from(3))
                .putAdditionalBodyProperty("demo_fail_how", JsonValue.from(how))
                .build();
    }

    /** Reads the stream into {@code chunks} until it ends or throws. */
    static void read(ChatCompletionCreateParams params, List<ChatCompletionChunk> chunks) {
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
    }

    static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        return text.toString();
    }

    @ParameterizedTest(name = "upstream connection reset {0}")
    @ValueSource(strings = {"reset_mid_event", "reset_between_events"})
    @DisplayName("an upstream that dies: SseException upstream_disconnected with the gateway's message, after the words that came")
    void upstreamDies(String how) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        assertThatThrownBy(() -> read(breakingAfterThreeWords(how), chunks))
                .isInstanceOfSatisfying(SseException.class, e -> {
                    assertThat(e.code()).hasValue("upstream_disconnected");
                    assertThat(e.type()).hasValue("server_error");
                    assertThat(e.getMessage()).contains("The inference server stopped in the middle of the response.");
                });
        assertThat(text(chunks)).isEqualTo("Hello! This is");
    }

    @Test
    @DisplayName("vLLM's own error event passes through: SseException with vLLM's message")
    void vllmErrorEvent() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        assertThatThrownBy(() -> read(breakingAfterThreeWords("error_event"), chunks))
                .isInstanceOfSatisfying(SseException.class, e -> {
                    assertThat(e.getMessage()).contains("Internal server error");
                    assertThat(e.type()).hasValue("InternalServerError");
                });
        assertThat(text(chunks)).isEqualTo("Hello! This is");
    }
}
