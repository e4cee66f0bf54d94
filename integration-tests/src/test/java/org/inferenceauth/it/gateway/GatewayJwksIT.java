package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.inferenceauth.it.Waiting.until;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.apikeys.ScratchRealm;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

/**
 * The gateway verifies Keycloak JWTs against the realm's published keys (JWKS), cached: it follows a
 * rotation of the realm's signing key and keeps verifying while Keycloak is unreachable. A scratch
 * realm (its keys are rotated here), reached through a relay the test can cut.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The gateway and the realm's signing keys: rotation, and a Keycloak outage")
class GatewayJwksIT {

    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";
    /** The JWKS is re-read on an unknown kid at most every 30 s (Nimbus' rate limit, our setting). */
    private static final Duration ROTATION_LIMIT = Duration.ofSeconds(90);

    private KeycloakServer keycloak;
    private ScratchRealm realm;
    private KeycloakRelay relay;
    private GatewayUnderTest gateway;

    @BeforeAll
    void start(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        realm = ScratchRealm.create(keycloak, "jwks", Map.of());
        relay = new KeycloakRelay(keycloak.getHttpPort());
        gateway = new GatewayUnderTest(keycloak, Map.of(
                "GATEWAY_KEYCLOAK_ISSUER", realm.issuer(),
                "GATEWAY_KEYCLOAK_REALM_URL", relay.url() + "/realms/" + realm.name(),
                "GATEWAY_KEYCLOAK_CLIENT_ID", ScratchRealm.GATEWAY_CLIENT,
                "GATEWAY_KEYCLOAK_CLIENT_SECRET", ScratchRealm.GATEWAY_SECRET,
                "GATEWAY_JWT_AUDIENCES", "*",
                "GATEWAY_JWT_AUTHORIZED_PARTIES", ScratchRealm.GATEWAY_CLIENT));
    }

    @AfterEach
    void reconnect() {
        relay.restore();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (realm != null) {
            realm.close();
        }
    }

    /** A service-account token of the scratch realm (its default roles include inference-user), straight from Keycloak. */
    private String token() {
        return given().formParam("grant_type", "client_credentials")
                .formParam("client_id", ScratchRealm.GATEWAY_CLIENT).formParam("client_secret", ScratchRealm.GATEWAY_SECRET)
                .post(realm.issuer() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    private static String kid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

    @Test
    @DisplayName("after the realm's signing key is rotated (new active RSA key, old one disabled), a token with the "
            + "unknown kid is accepted once the gateway re-reads the JWKS")
    void rotation() throws Exception {
        String before = token();
        assertThat(gateway.status(before)).as("the gateway has read the realm's keys").isEqualTo(200);
        String realmId = realm.id();
        List<ComponentRepresentation> oldKeys = realm.resource().components().query(realmId, KEY_PROVIDER).stream()
                .filter(c -> "rsa-generated".equals(c.getProviderId())).toList();
        assertThat(oldKeys).hasSize(1);

        ComponentRepresentation rotated = new ComponentRepresentation();
        rotated.setName("rotated-rsa");
        rotated.setProviderId("rsa-generated");
        rotated.setProviderType(KEY_PROVIDER);
        rotated.setParentId(realmId);
        rotated.setConfig(new MultivaluedHashMap<>(Map.of("priority", List.of("200"), "active", List.of("true"),
                "enabled", List.of("true"))));
        realm.resource().components().add(rotated).close();
        ComponentRepresentation old = oldKeys.get(0);
        old.getConfig().putSingle("enabled", "false");
        realm.resource().components().component(old.getId()).update(old);

        String after = token();
        assertThat(kid(after)).as("signed with the new key").isNotEqualTo(kid(before));
        until("a token signed with the rotated key accepted", () -> gateway.status(after) == 200, ROTATION_LIMIT);
    }

    @Test
    @DisplayName("while Keycloak is unreachable, a token the gateway has never seen verifies against the cached JWKS")
    void outage() throws Exception {
        assertThat(gateway.status(token())).as("the gateway has read the realm's keys").isEqualTo(200);
        String unseen = token();

        relay.cut();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(relay.url() + "/realms/" + realm.name() + "/protocol/openid-connect/certs")).build(),
                HttpResponse.BodyHandlers.discarding()))
                .as("the JWKS is unreachable through the relay").isInstanceOf(IOException.class);
        assertThat(gateway.status(unseen)).isEqualTo(200);
    }
}
