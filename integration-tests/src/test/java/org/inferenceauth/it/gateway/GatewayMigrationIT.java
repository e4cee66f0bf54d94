package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.errors.UnauthorizedException;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Migration from an open API against the real Keycloak: a gateway in audit mode with two shared
 * legacy keys, one before its sunset and one after. Personal keys minted in Keycloak authenticate
 * as usual; calls without one pass and are counted; the legacy key passes as its label; the
 * retired one is refused, also in audit mode, with the way to a personal key.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Migration mode through the real gateway and Keycloak: audit, legacy keys before and after their sunset")
class GatewayMigrationIT {

    static final String LAB_KEY = "sk-lab-shared-literal";
    static final String OLD_KEY = "sk-old-shared-literal";
    static final String CHAT = "{\"model\":\"model-b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    static KeycloakServer keycloak;
    static GatewayUnderTest gateway;
    static Path legacyKeys;

    @BeforeAll
    static void start(KeycloakServer server) throws Exception {
        keycloak = server;
        legacyKeys = Files.createTempFile("legacy-keys", ".txt");
        Files.writeString(legacyKeys, "lab-shared 2099-01-01 " + sha256(LAB_KEY) + "\nold-shared 2020-01-01 "
                + sha256(OLD_KEY) + "\n", StandardCharsets.UTF_8);
        gateway = new GatewayUnderTest(server, Map.of("GATEWAY_AUTH_MODE", "audit",
                "GATEWAY_LEGACY_KEYS_FILE", legacyKeys.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        Files.deleteIfExists(legacyKeys);
    }

    static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    static HttpResponse<String> chat(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The newest chat call the upstream of model-b got (not the gateway's own model-list refreshes). */
    static org.inferenceauth.demo.upstream.DemoUpstream.Received lastChat() {
        return gateway.beta.received().stream().filter(r -> r.uri().endsWith("/chat/completions")).findFirst().orElseThrow();
    }

    static String metrics() {
        return gateway.gateway.metrics().scrape();
    }

    @Test
    @DisplayName("audit mode: a personal key authenticates as its owner; no key and an unknown key pass, counted, with no identity")
    void auditMode() throws Exception {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "audit-user");
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        JsonPath minted = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", "audit-key", "project", "personal", "scopes", List.of()))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(201).extract().jsonPath();

        assertThat(chat("authorization", "Bearer " + minted.getString("key")).statusCode()).isEqualTo(200);
        assertThat(gateway.lastProxiedTo(gateway.beta).headers().get("x-auth-subject")).isEqualTo(user.getId());

        assertThat(chat("user-agent", "old-script/1.0").statusCode()).isEqualTo(200);
        assertThat(lastChat().headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-auth-"));
        String unknown = ApiKeyFormat.defaultFormat().generate().token(); // well-formed: Keycloak is asked, says inactive
        assertThat(chat("authorization", "Bearer " + unknown, "user-agent", "old-script/1.0").statusCode()).isEqualTo(200);
        assertThat(lastChat().headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-auth-"));

        assertThat(metrics()).contains("gateway_audit_passes_total{reason=\"missing\"} 1.0")
                .contains("gateway_audit_passes_total{reason=\"invalid\"} 1.0");
        assertThat(gateway.accessLog().lines().filter(l -> l.contains("\"type\":\"migration\"")
                && l.contains("old-script/1.0"))).hasSize(2); // one per reason, not per call
        assertThat(gateway.accessLog()).doesNotContain(unknown).doesNotContain(minted.getString("key"));
    }

    @Test
    @DisplayName("a legacy key passes as its label before its sunset; after it, even in audit mode, the SDK gets a 401 naming the date and the account console")
    void legacyKeys() throws Exception {
        assertThat(chat("authorization", "Bearer " + LAB_KEY).statusCode()).isEqualTo(200);
        assertThat(lastChat().headers().get("x-auth-key-id")).isEqualTo("legacy-lab-shared");

        assertThatThrownBy(() -> gateway.sdk(OLD_KEY).models().list())
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.getMessage())
                        .contains("retired on 2020-01-01")
                        .contains(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys"));
        assertThat(metrics()).contains("gateway_legacy_key_calls_total{label=\"lab-shared\",outcome=\"accepted\"} 1.0")
                .contains("gateway_legacy_key_calls_total{label=\"old-shared\",outcome=\"retired\"} 1.0");
        assertThat(gateway.accessLog()).doesNotContain(LAB_KEY).doesNotContain(OLD_KEY);
    }
}
