package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import io.restassured.http.ContentType;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
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
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Limits an operator sets in Keycloak (user attributes {@code limits.<field>}, as issue 12's
 * contract names them) reach the real gateway with the introspection answer and are enforced there.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Limits set in Keycloak are enforced by the gateway")
class GatewayLimitsIT {

    static KeycloakServer keycloak;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start(KeycloakServer server) {
        keycloak = server;
        gateway = new GatewayUnderTest(server, Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static RealmResource realm() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    /** A key of the token's user, with the caps {@code limits} (none when null), through the realm's REST API. */
    static String mint(String userToken, Map<String, Object> limits) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "key-" + System.nanoTime());
        body.put("project", "personal");
        body.put("expiresAt", null);
        body.put("scopes", List.of());
        if (limits != null) {
            body.put("limits", limits);
        }
        return given().auth().oauth2(userToken).contentType(ContentType.JSON).body(body)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys")
                .then().statusCode(201).extract().jsonPath().getString("key");
    }

    static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder().model("model-b").addUserMessage("Hello").build();
    }

    static JsonObject limitsOf(String key) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway.baseUrl() + "/limits")).header("authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    @Test
    @DisplayName("a key's cap, set by its owner when minting, refuses a larger max_tokens; their other key is not capped")
    void keyCap() {
        UserRepresentation user = TestUsers.create(realm(), "capped");
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        String capped = mint(token, Map.of("max_tokens_per_request", 16));
        String uncapped = mint(token, null);
        ChatCompletionCreateParams long17 = chat().toBuilder().maxTokens(17).build();

        assertThatThrownBy(() -> gateway.sdk(capped).chat().completions().create(long17))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("integer_above_max_value");
                    assertThat(e.param()).hasValue("max_tokens");
                });
        assertThat(gateway.sdk(uncapped).chat().completions().create(long17).choices()).isNotEmpty();
        assertThat(gateway.sdk(capped).chat().completions().create(chat().toBuilder().maxTokens(16).build()).choices())
                .isNotEmpty();
    }

    @Test
    @DisplayName("a person's day budget, set by the operator as a user attribute, is shared by two of their keys")
    void personBudgetAcrossKeys() throws Exception {
        UserRepresentation user = TestUsers.create(realm(), "limited");
        UserResource resource = realm().users().get(user.getId());
        UserRepresentation representation = resource.toRepresentation();
        representation.singleAttribute("limits.requests_per_day", "2");
        resource.update(representation);
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        String laptop = mint(token, null);
        String server = mint(token, null);

        gateway.sdk(laptop).chat().completions().create(chat());
        gateway.sdk(server).chat().completions().create(chat());

        assertThatThrownBy(() -> gateway.sdk(laptop).chat().completions().create(chat()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("insufficient_quota");
                    assertThat(e.headers().values("x-should-retry")).containsExactly("false");
                });
        JsonObject person = limitsOf(server).getJsonArray("scopes").getJsonObject(0);
        assertThat(person.getString("scope")).isEqualTo("user");
        assertThat(person.getString("id")).isEqualTo(user.getId());
        assertThat(person.getJsonObject("limits").getLong("requests_per_day")).isEqualTo(2);
        assertThat(person.getJsonObject("remaining").getLong("requests_per_day")).isZero();
    }
}
