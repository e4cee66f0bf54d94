package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.inferenceauth.it.Waiting.until;

import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Project API keys minted through the realm's REST API, used with the OpenAI Java SDK through the
 * gateway, and revoked through every path Keycloak offers. Needs the API-key endpoints of
 * keycloak-extensions (docs/api-keys-contract.md) in the server under test.
 */
@ExtendWith(KeycloakExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("API keys minted in Keycloak work at the gateway and stop working at the next revocation round")
class GatewayApiKeyIT {

    /** Generous: how long the gateway's own timer took is printed; the rounds it needs are asserted by hand-run rounds. */
    static final Duration UNATTENDED_LIMIT = Duration.ofSeconds(30);

    static KeycloakServer keycloak;
    static GatewayUnderTest gateway;

    /** A user with a fresh account-console token, and a key of theirs. */
    record Minted(UserRepresentation user, String userToken, String key, String keyId, String credentialId) {}

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

    static Minted mint(String namePrefix, List<String> scopes, String expiresAt) {
        UserRepresentation user = TestUsers.create(realm(), namePrefix);
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        return mintFor(user, token, scopes, expiresAt);
    }

    static Minted mintFor(UserRepresentation user, String userToken, List<String> scopes, String expiresAt) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", "key-" + System.nanoTime());
        body.put("project", "personal");
        body.put("expiresAt", expiresAt);
        body.put("scopes", scopes);
        JsonPath created = given().auth().oauth2(userToken).contentType(ContentType.JSON).body(body)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys")
                .then().statusCode(201).extract().jsonPath();
        return new Minted(user, userToken, created.getString("key"), created.getString("keyId"),
                created.getString("credentialId"));
    }

    static int status(String key) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models"))
                            .header("authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello").build();
    }

    @Test
    @Order(1)
    @DisplayName("a minted key lists models and runs non-streaming and streaming chat completions with the SDK")
    void sdkWithKey() {
        Minted minted = mint("key-user", List.of(), null);
        var sdk = gateway.sdk(minted.key());

        List<String> models = sdk.models().list().data().stream().map(Model::id).toList();
        var completion = sdk.chat().completions().create(chat("model-c"));
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(chat("model-a"))) {
            stream.stream().forEach(chunks::add);
        }

        assertThat(models).containsExactly("model-a", "model-b", "model-c");
        assertThat(completion.model()).isEqualTo("model-c");
        assertThat(chunks).hasSizeGreaterThan(5);
        var seen = gateway.lastProxiedTo(gateway.beta).headers();
        assertThat(seen.get("x-auth-key-id")).isEqualTo(minted.keyId());
        assertThat(seen.get("x-auth-user")).isEqualTo(minted.user().getUsername());
        assertThat(seen.get("x-auth-project")).isEqualTo("personal");
        assertThat(gateway.accessLog()).contains(minted.keyId()).doesNotContain(minted.key());
    }

    @Test
    @Order(2)
    @DisplayName("a key scoped to one model sees only that model and gets 403 model_not_allowed for others")
    void scopedKey() {
        Minted minted = mint("scoped", List.of("model:model-b"), null);
        var sdk = gateway.sdk(minted.key());

        assertThat(sdk.models().list().data().stream().map(Model::id).toList()).containsExactly("model-b");
        assertThat(sdk.chat().completions().create(chat("model-b")).model()).isEqualTo("model-b");
        assertThatThrownBy(() -> sdk.chat().completions().create(chat("model-a")))
                .isInstanceOfSatisfying(PermissionDeniedException.class,
                        e -> assertThat(e.code()).hasValue("model_not_allowed"));
    }

    @Test
    @Order(3)
    @DisplayName("a mistyped key and an unknown well-formed key get the SDK's UnauthorizedException")
    void badKeys() {
        Minted minted = mint("typo", List.of(), null);
        String typo = minted.key().substring(0, minted.key().length() - 2) + "zz";
        String unknown = ApiKeyFormat.defaultFormat().generate().token();

        assertThatThrownBy(() -> gateway.sdk(typo).models().list()).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> gateway.sdk(unknown).models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @Order(4)
    @DisplayName("revoked by its owner (DELETE /api-keys/{keyId}): refused after the next round")
    void revokedByOwner() throws Exception {
        Minted minted = mint("owner-revokes", List.of(), null);
        assertThat(status(minted.key())).isEqualTo(200);

        given().auth().oauth2(minted.userToken())
                .delete(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/" + minted.keyId())
                .then().statusCode(204);
        gateway.oneRevocationRound();

        assertThat(status(minted.key())).isEqualTo(401);
        assertThatThrownBy(() -> gateway.sdk(minted.key()).models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @Order(10)
    @DisplayName("revoked, and left to the gateway's own timer: refused (the time it took is printed, not raced)")
    void revokedUnattended() throws Exception {
        Minted minted = mint("unattended", List.of(), null);
        assertThat(status(minted.key())).isEqualTo(200);

        given().auth().oauth2(minted.userToken())
                .delete(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/" + minted.keyId())
                .then().statusCode(204);

        until("key revoked by its owner refused by the timer's rounds", () -> status(minted.key()) == 401, UNATTENDED_LIMIT);
    }

    @Test
    @Order(5)
    @DisplayName("deleted as a credential in the admin API: refused after the next round")
    void deletedByAdmin() throws Exception {
        Minted minted = mint("admin-deletes", List.of(), null);
        assertThat(status(minted.key())).isEqualTo(200);

        realm().users().get(minted.user().getId()).removeCredential(minted.credentialId());
        gateway.oneRevocationRound();

        assertThat(status(minted.key())).isEqualTo(401);
    }

    @Test
    @Order(6)
    @DisplayName("its user disabled: refused after the next round")
    void userDisabled() throws Exception {
        Minted minted = mint("to-disable", List.of(), null);
        assertThat(status(minted.key())).isEqualTo(200);

        var userResource = realm().users().get(minted.user().getId());
        UserRepresentation user = userResource.toRepresentation();
        user.setEnabled(false);
        userResource.update(user);
        gateway.oneRevocationRound();

        assertThat(status(minted.key())).isEqualTo(401);
    }

    @Test
    @Order(7)
    @DisplayName("its user disabled: the user's already-issued web-UI access token is refused after the next round too")
    void userDisabledJwt() throws Exception {
        UserRepresentation created = TestUsers.create(realm(), "jwt-disable");
        String accessToken = BrowserLogin.webUi(keycloak).login(created.getUsername(), TestUsers.PASSWORD).accessToken();
        assertThat(status(accessToken)).isEqualTo(200);

        var userResource = realm().users().get(created.getId());
        UserRepresentation user = userResource.toRepresentation();
        user.setEnabled(false);
        userResource.update(user);
        gateway.oneRevocationRound();

        assertThat(status(accessToken)).isEqualTo(401);
    }

    @Test
    @Order(8)
    @DisplayName("its user deleted: refused after the next round")
    void userDeleted() throws Exception {
        Minted minted = mint("to-delete", List.of(), null);
        assertThat(status(minted.key())).isEqualTo(200);

        realm().users().delete(minted.user().getId()).close();
        gateway.oneRevocationRound();

        assertThat(status(minted.key())).isEqualTo(401);
    }

    @Test
    @Order(9)
    @DisplayName("an expiring key: its exp reaches the gateway, which refuses the cached key as soon as it passes")
    void expired() throws Exception {
        UserRepresentation user = TestUsers.create(realm(), "expiring");
        String userToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        // The expiry is set only now, after the (slow) login, so the key is surely still valid when first used.
        Instant expiry = Instant.now().plusSeconds(8);
        Minted minted = mintFor(user, userToken, List.of(), expiry.toString());
        assertThat(status(minted.key())).isEqualTo(200);

        // Keycloak keeps whole seconds; one more second and exp has surely passed. No round, no TTL:
        // the gateway compares the cached identity's exp with its clock on every request.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry.plusSeconds(1)).toMillis()));

        assertThat(status(minted.key())).isEqualTo(401);
        assertThatThrownBy(() -> gateway.sdk(minted.key()).models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @Order(100)
    @DisplayName("Keycloak stopped: a cached key keeps working, an unknown key gets 503 with retry-after, recovery is automatic")
    void keycloakOutage() throws Exception {
        Minted cached = mint("outage-cached", List.of(), null);
        Minted notYetUsed = mintFor(cached.user(), cached.userToken(), List.of(), null);
        assertThat(status(cached.key())).isEqualTo(200);

        keycloak.stop();
        try {
            assertThat(gateway.sdk(cached.key()).chat().completions().create(chat("model-b")).model()).isEqualTo("model-b");
            assertThatThrownBy(() -> gateway.sdk(notYetUsed.key()).models().list())
                    .isInstanceOfSatisfying(InternalServerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.headers().values("retry-after")).isNotEmpty();
                    });
        } finally {
            keycloak.start();
        }
        // A freshly started Keycloak on a busy machine can miss the gateway's 2 s timeout at first
        // (the gateway then answers 503 again): recovery is automatic, so wait for it generously.
        until("a key unknown before the outage served once Keycloak is back", () -> status(notYetUsed.key()) == 200,
                Duration.ofMinutes(2));
        assertThat(gateway.sdk(notYetUsed.key()).models().list().data()).isNotEmpty();
    }

}
