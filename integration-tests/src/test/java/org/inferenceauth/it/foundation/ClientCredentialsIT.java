package org.inferenceauth.it.foundation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A service account obtains tokens with the client-credentials grant")
class ClientCredentialsIT {

    @Test
    @DisplayName("example-service gets an access token whose signature verifies against the realm's JWKS")
    void tokenVerifiesAgainstJwks(KeycloakServer keycloak) throws Exception {
        String issuer = keycloak.getIssuer(TestRealm.REALM);
        String token = clientCredentialsToken(issuer, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);

        JWTClaimsSet claims = processorFor(issuer).process(token, null);

        assertThat(claims.getIssuer()).isEqualTo(issuer);
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.EXAMPLE_SERVICE_CLIENT);
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("service-account-example-service");
        assertThat(claims.getAudience()).contains(TestRealm.GATEWAY_CLIENT);
        assertThat(claims.getExpirationTime()).isInTheFuture();
    }

    @Test
    @DisplayName("a token with a tampered payload fails signature verification")
    void tamperedTokenIsRejected(KeycloakServer keycloak) throws Exception {
        String issuer = keycloak.getIssuer(TestRealm.REALM);
        String token = clientCredentialsToken(issuer, TestRealm.EXAMPLE_SERVICE_CLIENT, TestRealm.EXAMPLE_SERVICE_SECRET);
        String[] parts = token.split("\\.");
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                        .replace("service-account-example-service", "service-account-admin-cheat").getBytes());
        String forged = parts[0] + "." + forgedPayload + "." + parts[2];

        assertThatThrownBy(() -> processorFor(issuer).process(forged, null)).isInstanceOf(BadJOSEException.class);
    }

    @Test
    @DisplayName("a wrong client secret is refused (401, unauthorized_client as Keycloak words it)")
    void wrongSecret(KeycloakServer keycloak) {
        given().formParam("grant_type", "client_credentials")
                .formParam("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT)
                .formParam("client_secret", "not-the-secret")
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(401).body("error", org.hamcrest.Matchers.equalTo("unauthorized_client"));
    }

    @Test
    @DisplayName("the web UI client may not use the client-credentials grant")
    void webUiHasNoServiceAccount(KeycloakServer keycloak) {
        given().formParam("grant_type", "client_credentials")
                .formParam("client_id", TestRealm.WEB_UI_CLIENT)
                .formParam("client_secret", TestRealm.WEB_UI_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(401);
    }

    static String clientCredentialsToken(String issuer, String clientId, String secret) {
        return given().formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .post(issuer + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    private static DefaultJWTProcessor<SecurityContext> processorFor(String issuer) throws Exception {
        JWKSet jwks = JWKSet.load(new java.net.URL(issuer + "/protocol/openid-connect/certs"));
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
        return processor;
    }
}
