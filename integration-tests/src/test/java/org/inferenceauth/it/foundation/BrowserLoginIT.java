package org.inferenceauth.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A person logs in to the web UI through Keycloak's login form")
class BrowserLoginIT {

    @Test
    @DisplayName("the authorization-code flow with PKCE yields tokens for the user, with the gateway as audience")
    void loginThroughForm(KeycloakServer keycloak) throws Exception {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        var user = TestUsers.create(realm, "ui-user");

        BrowserLogin.Tokens tokens = BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD);

        var claims = SignedJWT.parse(tokens.accessToken()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(user.getId());
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(user.getUsername());
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.WEB_UI_CLIENT);
        assertThat(claims.getAudience()).contains(TestRealm.GATEWAY_CLIENT);
        assertThat((java.util.List<Object>) claims.getJSONObjectClaim("realm_access").get("roles"))
                .as("default roles let every user mint API keys").contains("api-key-user");
        assertThat(tokens.idToken()).isNotBlank();
    }

    @Test
    @DisplayName("the login is recorded as a LOGIN event of the web UI client, so UI users can be counted")
    void loginIsCounted(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        var user = TestUsers.create(realm, "counted");

        BrowserLogin.webUi(keycloak).login(user.getUsername(), TestUsers.PASSWORD);

        var events = realm.getEvents(java.util.List.of("LOGIN"), TestRealm.WEB_UI_CLIENT, user.getId(),
                null, null, null, 0, 10);
        assertThat(events).hasSize(1);
    }

    @Test
    @DisplayName("a wrong password is refused on the login page")
    void wrongPassword(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        var user = TestUsers.create(realm, "mistyped");

        assertThatThrownBy(() -> BrowserLogin.webUi(keycloak).login(user.getUsername(), "wrong-password"))
                .isInstanceOfSatisfying(BrowserLogin.LoginRefusedException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(200);
                    assertThat(refused.page()).contains("Invalid username or password");
                });
    }

    @Test
    @DisplayName("without PKCE the web UI client is refused before any login page (Open WebUI needs OAUTH_CODE_CHALLENGE_METHOD=S256)")
    void webUiRequiresPkce(KeycloakServer keycloak) {
        // Open WebUI sends a code challenge only when OAUTH_CODE_CHALLENGE_METHOD=S256 is set; this is what it sends without.
        Response answer = RestAssured.given().redirects().follow(false)
                .queryParam("client_id", TestRealm.WEB_UI_CLIENT).queryParam("redirect_uri", TestRealm.WEB_UI_REDIRECT_URI)
                .queryParam("response_type", "code").queryParam("scope", "openid email profile").queryParam("state", "s1")
                .get(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/auth");

        assertThat(answer.statusCode()).isEqualTo(302);
        URI back = URI.create(answer.header("Location"));
        assertThat(back.toString()).startsWith(TestRealm.WEB_UI_REDIRECT_URI + "?");
        assertThat(URLDecoder.decode(back.getRawQuery(), StandardCharsets.UTF_8))
                .contains("error=invalid_request").contains("code_challenge_method").doesNotContain("code=");
    }
}
