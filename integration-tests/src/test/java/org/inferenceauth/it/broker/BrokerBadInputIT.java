package org.inferenceauth.it.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.inferenceauth.it.Waiting;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.SimulatedCilogon.Person;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.IdentityProviderResource;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

/**
 * What a broken or hostile CILogon could send. Each case changes the shared Keycloak for one login
 * (the {@code access} provider's configuration, or the simulated CILogon's client) and restores it.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Bad answers from CILogon are refused with Keycloak's error page, and nothing is created")
class BrokerBadInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeycloakServer keycloak;

    @BeforeEach
    void server(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    private IdentityProviderResource accessProvider() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM).identityProviders().get("access");
    }

    /** Runs {@code test} with one setting of the {@code access} provider changed, then restores it. */
    private void withAccessSetting(String key, String value, Runnable test) {
        IdentityProviderRepresentation original = accessProvider().toRepresentation();
        IdentityProviderRepresentation changed = accessProvider().toRepresentation();
        changed.getConfig().put(key, value);
        accessProvider().update(changed);
        try {
            test.run();
        } finally {
            accessProvider().update(original); // the masked client secret means "unchanged"
        }
    }

    /**
     * Logs {@code person} in through {@code access} and expects Keycloak's error page, no account,
     * and {@code cause} in what Keycloak logged meanwhile: the page is the same for every broker
     * error, so the log is what shows that the check under test refused (and not, say, a broken
     * test double).
     */
    private void assertRefusedAndNothingCreated(Person person, String cause) throws Exception {
        Path log = keycloak.getLogFile();
        long logged = Files.size(log);
        BrowserLogin.Brokered trip = BrowserLogin.webUi(keycloak)
                .loginThroughProvider("access", person.username(), SimulatedCilogon.DEMO_PASSWORD, Map.of());

        assertThat(trip.succeeded()).isFalse();
        assertThat(trip.status()).isEqualTo(502);
        assertThat(trip.page()).contains("We are sorry").contains("Unexpected error when authenticating with identity provider");
        var users = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM).users();
        assertThat(users.search(person.eppn(), true)).isEmpty();
        assertThat(users.searchByEmail(person.email(), true)).isEmpty();
        Waiting.until("Keycloak logs the cause '" + cause + "'", () -> loggedSince(log, logged).contains(cause), Duration.ofSeconds(30));
    }

    private static String loggedSince(Path log, long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("an ID token whose payload was changed after signing (signature no longer matches CILogon's keys)")
    void tamperedSignature() throws IOException {
        Person person = SimulatedCilogon.person("tampered").create(keycloak);
        String realTokenUrl = SimulatedCilogon.issuer(keycloak.getAuthServerUrl()) + "/protocol/openid-connect/token";
        AtomicInteger tampered = new AtomicInteger();
        HttpServer tamperingTokenEndpoint = tamperingProxy(realTokenUrl, tampered);
        try {
            withAccessSetting("tokenUrl", "http://127.0.0.1:" + tamperingTokenEndpoint.getAddress().getPort() + "/token",
                    () -> refused(person, "token signature validation failed"));
        } finally {
            tamperingTokenEndpoint.stop(0);
        }
        assertThat(tampered).as("ID tokens the proxy changed and handed to Keycloak").hasValue(1);
    }

    @Test
    @DisplayName("an ID token from another issuer than the configured CILogon")
    void wrongIssuer() {
        Person person = SimulatedCilogon.person("wrong-iss").create(keycloak);

        withAccessSetting("issuer", "https://cilogon.org", () -> refused(person, "Wrong issuer from token"));
    }

    @Test
    @DisplayName("an ID token for another audience than our CILogon client")
    void wrongAudience() {
        Person person = SimulatedCilogon.person("wrong-aud").create(keycloak);
        var simulated = keycloak.getKeycloakAdminClient().realm(SimulatedCilogon.REALM);
        ClientResource client = simulated.clients().get(simulated.clients().findByClientId(SimulatedCilogon.CLIENT_ID).get(0).getId());
        ProtocolMapperRepresentation audience = new ProtocolMapperRepresentation();
        audience.setName("test: ID token for someone else");
        audience.setProtocol("openid-connect");
        audience.setProtocolMapper("oidc-hardcoded-claim-mapper");
        audience.setConfig(Map.of("claim.name", "aud", "claim.value", "cilogon:/client_id/someone-else",
                "jsonType.label", "String", "id.token.claim", "true", "access.token.claim", "false", "userinfo.token.claim", "false"));
        String mapperId;
        try (Response created = client.getProtocolMappers().createMapper(audience)) {
            mapperId = CreatedResponseUtil.getCreatedId(created);
        }
        try {
            refused(person, "Wrong audience from token");
        } finally {
            client.getProtocolMappers().delete(mapperId);
        }
    }

    /** {@link #assertRefusedAndNothingCreated} for a {@link Runnable}. */
    private void refused(Person person, String cause) {
        try {
            assertRefusedAndNothingCreated(person, cause);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token endpoint in front of the simulated CILogon's that changes the ID token's email claim
     * and keeps the original signature, as an attacker in the middle would.
     */
    private static HttpServer tamperingProxy(String realTokenUrl, AtomicInteger tampered) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpClient http = HttpClient.newHttpClient();
        server.createContext("/token", exchange -> {
            try (exchange) {
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(realTokenUrl))
                        .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization != null) {
                    forward.header("Authorization", authorization);
                }
                HttpResponse<String> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
                ObjectNode tokens = (ObjectNode) JSON.readTree(answer.body());
                String[] idToken = tokens.get("id_token").asText().split("\\.");
                ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(idToken[1]));
                claims.put("email", "mallory@example.org");
                idToken[1] = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims));
                tokens.put("id_token", String.join(".", idToken));
                tampered.incrementAndGet();
                byte[] body = JSON.writeValueAsBytes(tokens);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }
}
