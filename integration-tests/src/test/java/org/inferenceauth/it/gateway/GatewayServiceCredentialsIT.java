package org.inferenceauth.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Service credentials at the real gateway: example-service's client id and secret, as curl -u sends them")
class GatewayServiceCredentialsIT {

    static GatewayUnderTest gateway;

    @BeforeAll
    static void start(KeycloakServer server) {
        gateway = new GatewayUnderTest(server, Map.of("GATEWAY_SERVICE_CREDENTIALS", "true"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String basic(String secret) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (TestRealm.EXAMPLE_SERVICE_CLIENT + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> chat(String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"model-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("the right secret via Basic and via X-Client-Id/-Secret works; the upstream sees the service account, not the secret")
    void rightSecret() throws Exception {
        HttpResponse<String> viaBasic = chat("authorization", basic(TestRealm.EXAMPLE_SERVICE_SECRET));
        assertThat(viaBasic.statusCode()).isEqualTo(200);
        var seen = gateway.lastProxiedTo(gateway.beta).headers();
        assertThat(seen.get("x-auth-user")).isEqualTo("service-account-example-service");
        assertThat(seen.get("x-auth-client")).isEqualTo(TestRealm.EXAMPLE_SERVICE_CLIENT);
        assertThat(seen.contains("authorization")).isFalse();

        assertThat(chat("x-client-id", TestRealm.EXAMPLE_SERVICE_CLIENT,
                "x-client-secret", TestRealm.EXAMPLE_SERVICE_SECRET).statusCode()).isEqualTo(200);
        assertThat(gateway.lastProxiedTo(gateway.beta).headers().contains("x-client-secret")).isFalse();
    }

    @Test
    @DisplayName("a wrong secret is a 401 invalid_api_key with a Basic challenge, again when repeated")
    void wrongSecret() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> refused = chat("authorization", basic("not-the-secret"));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
            assertThat(refused.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Basic realm=");
        }
        assertThat(gateway.accessLog()).doesNotContain("not-the-secret");
    }
}
