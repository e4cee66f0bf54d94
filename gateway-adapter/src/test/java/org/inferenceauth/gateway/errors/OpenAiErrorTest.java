package org.inferenceauth.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    @DisplayName("401s carry an RFC 6750 challenge naming the given realm; invalid credentials say invalid_token")
    void challenges() {
        assertThat(OpenAiError.missingCredential("physics").headers()).containsEntry("www-authenticate", "Bearer realm=\"physics\"");
        assertThat(OpenAiError.invalidCredential("physics").headers().get("www-authenticate"))
                .startsWith("Bearer realm=\"physics\", error=\"invalid_token\"");
        assertThat(OpenAiError.ambiguousCredential("physics").headers().get("www-authenticate"))
                .startsWith("Bearer realm=\"physics\", error=\"invalid_request\"");
        assertThat(OpenAiError.invalidCredential("physics").status()).isEqualTo(401);
        assertThat(new JsonObject(OpenAiError.invalidCredential("x").body()).getJsonObject("error").containsKey("param")).isTrue();
    }

    @ParameterizedTest(name = "realm {0} -> {1}")
    @CsvSource(delimiter = '|', value = {"inference|\"inference\"", "say \"hi\"|\"say \\\"hi\\\"\"",
            "back\\slash|\"back\\\\slash\"", "médecine|\"m%C3%A9decine\""})
    @DisplayName("the realm is a quoted-string: quotes and backslashes escaped, non-ASCII as %-escaped UTF-8")
    void quotedRealm(String realm, String expected) {
        assertThat(OpenAiError.missingCredential(realm).headers().get("www-authenticate")).isEqualTo("Bearer realm=" + expected);
        assertThat(OpenAiError.missingCredential("a\r\nSet-Cookie: x").headers().get("www-authenticate"))
                .isEqualTo("Bearer realm=\"aSet-Cookie: x\"");
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
