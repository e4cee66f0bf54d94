package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.Waiting.until;

import com.nimbusds.jwt.SignedJWT;
import io.restassured.path.json.JsonPath;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Keycloak's introspection of access tokens (a JWT as {@code token}) refuses every token a gateway
 * must not honour with exactly {@code {"active":false}}; each case has a control that is active, so
 * the refusal is for the one reason named. A scratch realm, since the not-before cases invalidate
 * its tokens.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Introspection of Keycloak access tokens refuses what a gateway must not honour")
class JwtIntrospectionIT {

    private static final String CLIENT = "cli";
    private static final String SHORT_LIVED_CLIENT = "cli-short";
    private static final Map<String, Object> INACTIVE = Map.of("active", false);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private KeycloakServer keycloak;
    private ScratchRealm realm;
    private ApiKeysApi api;
    private UserRepresentation user;
    private String clientId;

    @BeforeAll
    void scratchRealm(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        realm = ScratchRealm.create(keycloak, "jwt-introspection", Map.of());
        api = realm.api();
        clientId = passwordClient(CLIENT, Map.of());
        passwordClient(SHORT_LIVED_CLIENT, Map.of("access.token.lifespan", "2"));
    }

    @BeforeEach
    void user() {
        user = TestUsers.create(realm.resource(), "holder");
    }

    @AfterAll
    void removeRealm() {
        if (realm != null) {
            realm.close();
        }
    }

    private String passwordClient(String name, Map<String, String> attributes) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(name);
        client.setPublicClient(true);
        client.setDirectAccessGrantsEnabled(true);
        client.setStandardFlowEnabled(false);
        client.setAttributes(attributes);
        try (Response response = realm.resource().clients().create(client)) {
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    /** The token response of a password grant for the test's user (scope openid: with an ID token). */
    private JsonPath login(String client) {
        return given().formParam("grant_type", "password").formParam("client_id", client)
                .formParam("username", user.getUsername()).formParam("password", TestUsers.PASSWORD)
                .formParam("scope", "openid")
                .post(realm.issuer() + "/protocol/openid-connect/token").then().statusCode(200).extract().jsonPath();
    }

    private String accessToken() {
        return login(CLIENT).getString("access_token");
    }

    private Map<String, Object> introspect(ApiKeysApi at, String token) {
        return at.introspect(token).then().statusCode(200).extract().jsonPath().getMap("");
    }

    private boolean active(String token) {
        return Boolean.TRUE.equals(introspect(api, token).get("active"));
    }

    private void setEnabled(boolean enabled) {
        UserRepresentation rep = realm.resource().users().get(user.getId()).toRepresentation();
        rep.setEnabled(enabled);
        realm.resource().users().get(user.getId()).update(rep);
    }

    private static long claim(String jwt, String name) throws Exception {
        return ((java.util.Date) SignedJWT.parse(jwt).getJWTClaimsSet().getClaim(name)).toInstant().getEpochSecond();
    }

    @Test
    @DisplayName("an expired token (its client's lifespan is 2 s); a token of the same login's other client stays active")
    void expired() throws Exception {
        String control = accessToken();
        String shortLived = login(SHORT_LIVED_CLIENT).getString("access_token");
        long exp = claim(shortLived, "exp");
        until("the short-lived token's exp has passed", () -> Instant.now().getEpochSecond() > exp + 1, LIMIT);

        assertThat(introspect(api, shortLived)).isEqualTo(INACTIVE);
        assertThat(active(control)).isTrue();
    }

    @Test
    @DisplayName("another realm's token (issuer and signature of the shipped realm), active at its own realm")
    void foreignIssuer() {
        String foreign = given().formParam("grant_type", "client_credentials")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT).formParam("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");

        assertThat(introspect(ApiKeysApi.inference(keycloak), foreign)).containsEntry("active", true);
        assertThat(introspect(api, foreign)).isEqualTo(INACTIVE);
    }

    @Test
    @DisplayName("an ID token and a refresh token (not of type Bearer) of a login whose access token is active")
    void notBearer() {
        JsonPath login = login(CLIENT);

        assertThat(active(login.getString("access_token"))).isTrue();
        assertThat(introspect(api, login.getString("id_token"))).isEqualTo(INACTIVE);
        assertThat(introspect(api, login.getString("refresh_token"))).isEqualTo(INACTIVE);
    }

    @Test
    @DisplayName("a token issued before the realm's not-before; tokens issued after it are active")
    void realmNotBefore() throws Exception {
        String token = accessToken();
        assertThat(active(token)).isTrue();

        RealmRepresentation rep = realm.resource().toRepresentation();
        rep.setNotBefore((int) claim(token, "iat") + 1);
        realm.resource().update(rep);

        assertThat(introspect(api, token)).isEqualTo(INACTIVE);
        until("a token issued after the realm's not-before is active", () -> active(accessToken()), LIMIT);
    }

    @Test
    @DisplayName("a token issued before its client's not-before; tokens issued after it are active")
    void clientNotBefore() throws Exception {
        String token = accessToken();
        assertThat(active(token)).isTrue();

        ClientRepresentation client = realm.resource().clients().get(clientId).toRepresentation();
        client.setNotBefore((int) claim(token, "iat") + 1);
        realm.resource().clients().get(clientId).update(client);

        assertThat(introspect(api, token)).isEqualTo(INACTIVE);
        until("a token issued after the client's not-before is active", () -> active(accessToken()), LIMIT);
    }

    @Test
    @DisplayName("a token of a disabled owner, active again once the owner is enabled")
    void disabledOwner() {
        String token = accessToken();
        assertThat(active(token)).isTrue();

        setEnabled(false);
        assertThat(introspect(api, token)).isEqualTo(INACTIVE);

        setEnabled(true);
        assertThat(active(token)).isTrue();
    }
}
