package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("The OpenAI Java SDK calls the gateway with Keycloak access tokens")
class GatewayJwtIT {

    static GatewayUnderTest gateway;
    static KeycloakServer keycloak;

    @BeforeAll
    static void start(KeycloakServer server) {
        keycloak = server;
        gateway = new GatewayUnderTest(server, Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String clientCredentialsToken() {
        return given().formParam("grant_type", "client_credentials")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    static String webUiUserToken() {
        var user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "gw-user");
        return BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
    }

    static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello gateway").build();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> tokens() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("client credentials of example-service",
                        (java.util.function.Supplier<String>) GatewayJwtIT::clientCredentialsToken,
                        "service-account-example-service", "example-service"),
                org.junit.jupiter.params.provider.Arguments.of("web-UI login of a user",
                        (java.util.function.Supplier<String>) GatewayJwtIT::webUiUserToken, "gw-user-", "open-webui"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: models, chat, streaming chat")
    @org.junit.jupiter.params.provider.MethodSource("tokens")
    @DisplayName("the SDK lists models and runs non-streaming and streaming chat completions with a Keycloak access token")
    void sdkWithToken(String kind, java.util.function.Supplier<String> token, String userPrefix, String client) {
        OpenAIClient sdk = gateway.sdk(token.get());

        List<String> models = sdk.models().list().data().stream().map(Model::id).toList();
        ChatCompletion completion = sdk.chat().completions().create(chat("model-b"));
        var seen = gateway.lastProxiedTo(gateway.beta).headers();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(chat("model-c"))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }

        assertThat(models).containsExactly("model-a", "model-b", "model-c");
        assertThat(completion.model()).isEqualTo("model-b");
        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(
                text -> assertThat(text).contains("model-b"));
        assertThat(streamed.toString()).contains("answering as model-c");
        assertThat(seen.get("x-auth-user")).startsWith(userPrefix);
        assertThat(seen.get("x-auth-client")).isEqualTo(client);
        assertThat(seen.get("authorization")).isNull();
    }

    @Test
    @DisplayName("a web-UI user's OIDC access token streams a chat completion; the first chunk arrives while the upstream still generates")
    void userTokenStreaming() {
        OpenAIClient sdk = gateway.sdk(webUiUserToken());
        // 400 ms a word: the upstream needs about ten seconds, so "not finished yet" needs no tight deadline.
        ChatCompletionCreateParams params = chat("model-a").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .putAdditionalBodyProperty("demo_chunk_delay_ms", com.openai.core.JsonValue.from(400)).build();
        int completedBefore = gateway.alpha.completedStreams();

        Integer completedAtFirstChunk = null;
        int chunks = 0;
        StringBuilder text = new StringBuilder();
        long completionTokens = 0;
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                if (completedAtFirstChunk == null) {
                    completedAtFirstChunk = gateway.alpha.completedStreams();
                }
                chunks++;
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                if (chunk.usage().isPresent()) {
                    completionTokens = chunk.usage().get().completionTokens();
                }
            }
        }

        assertThat(text.toString()).startsWith("Hello! This is the demo upstream answering as model-a.");
        assertThat(completionTokens).isEqualTo(text.toString().split(" ").length);
        assertThat(chunks).isGreaterThan(10);
        assertThat(completedAtFirstChunk).as("streams the upstream had completed when the first chunk arrived")
                .isEqualTo(completedBefore);
    }

    @Test
    @DisplayName("a tampered token gets the SDK's UnauthorizedException")
    void tamperedToken() {
        String[] parts = clientCredentialsToken().split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        assertThatThrownBy(() -> gateway.sdk(tampered).models().list())
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).hasValue("invalid_api_key");
                });
    }

    @Test
    @DisplayName("an ID token is not an access token: 401")
    void idTokenRefused() {
        var user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "gw-id");
        String idToken = BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD).idToken();

        assertThatThrownBy(() -> gateway.sdk(idToken).models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @DisplayName("a model nobody serves, with a valid token, is the upstream's 404 (NotFoundException)")
    void unknownModel() {
        assertThatThrownBy(() -> gateway.sdk(clientCredentialsToken()).chat().completions().create(chat("no-such-model")))
                .isInstanceOf(NotFoundException.class);
    }
}
