package org.inferenceauth.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI-shaped error bodies")
class OpenAiErrorTest {

    @Test
    @DisplayName("the body has exactly error.message, type, param and code")
    void shape() {
        JsonObject body = new JsonObject(OpenAiError.modelNotAllowed("llama").body());

        assertThat(body.fieldNames()).containsExactly("error");
        JsonObject error = body.getJsonObject("error");
        assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.getString("code")).isEqualTo("model_not_allowed");
        assertThat(error.getString("param")).isEqualTo("model");
        assertThat(error.getString("message")).contains("llama");
    }

    @Test
    @DisplayName("401s carry an RFC 6750 challenge; invalid credentials say invalid_token")
    void challenges() {
        assertThat(OpenAiError.missingCredential().headers()).containsEntry("www-authenticate", "Bearer realm=\"inference\"");
        assertThat(OpenAiError.invalidCredential().headers().get("www-authenticate"))
                .startsWith("Bearer realm=\"inference\", error=\"invalid_token\"");
        assertThat(OpenAiError.invalidCredential().status()).isEqualTo(401);
        assertThat(new JsonObject(OpenAiError.invalidCredential().body()).getJsonObject("error").containsKey("param")).isTrue();
    }

    @Test
    @DisplayName("503 for undecidable auth tells the client when to retry, in seconds and milliseconds")
    void retryAfter() {
        OpenAiError error = OpenAiError.authUnavailable(Duration.ofMillis(2500));

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.headers()).containsEntry("retry-after", "2").containsEntry("retry-after-ms", "2500");
    }

    @Test
    @DisplayName("user-supplied text in messages is cut and stripped of control characters")
    void safeText() {
        String message = OpenAiError.unknownUrl("GET", "/x\r\nSet-Cookie: a=b" + "y".repeat(500)).message();

        assertThat(message).doesNotContain("\r").doesNotContain("\n").hasSizeLessThan(260);
    }
}
