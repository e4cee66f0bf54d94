package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.Waiting;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.SimulatedCilogon.Person;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * People who logged in through CILogon use the inference API: with an API key they minted, and
 * through the web UI with the token Open WebUI forwards; their keys follow their identity.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Brokered (CILogon) users at the gateway")
class BrokeredUserGatewayIT {

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

    static RealmResource inference() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello from a brokered user").build();
    }

    /** A new ACCESS person logged in to the account console through the ACCESS-CI button; their key. */
    record BrokeredKey(Person person, UserResource account, String key) {}

    static BrokeredKey brokeredUserWithKey(String prefix) throws Exception {
        Person person = SimulatedCilogon.person(prefix).create(keycloak);
        BrowserLogin.Brokered trip = BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .loginThroughProvider("access", person.username(), SimulatedCilogon.DEMO_PASSWORD, Map.of());
        assertThat(trip.succeeded()).isTrue();
        String userId = SignedJWT.parse(trip.tokens().accessToken()).getJWTClaimsSet().getSubject();
        String key = given().auth().oauth2(trip.tokens().accessToken()).contentType(ContentType.JSON)
                .body(Map.of("name", "brokered", "project", "personal"))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys")
                .then().statusCode(201).extract().path("key");
        return new BrokeredKey(person, inference().users().get(userId), key);
    }

    /** After one revocation round (the change is in Keycloak's feed or visible to the re-check by then), the SDK is refused. */
    static void refusedAfterOneRound(String what, String key) {
        gateway.oneRevocationRound();
        assertThatThrownBy(() -> gateway.sdk(key).models().list()).as(what).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @DisplayName("a brokered user mints a key and calls the gateway with the OpenAI SDK, as themselves")
    void keyWorks() throws Exception {
        BrokeredKey minted = brokeredUserWithKey("key-owner");

        var completion = gateway.sdk(minted.key()).chat().completions().create(chat("model-b"));

        assertThat(completion.model()).isEqualTo("model-b");
        var headers = gateway.lastProxiedTo(gateway.beta).headers();
        assertThat(headers.get("x-auth-user")).isEqualTo(minted.person().eppn());
    }

    @Test
    @DisplayName("an operator removes the user's CILogon link in the admin console: the key stops working")
    void unlinkStopsKey() throws Exception {
        BrokeredKey minted = brokeredUserWithKey("unlinked");
        assertThat(gateway.sdk(minted.key()).models().list().data()).isNotEmpty();

        minted.account().removeFederatedIdentity("access");

        refusedAfterOneRound("key refused after the identity link was removed", minted.key());
        assertThat(given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .formParam("token", minted.key()).post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/introspect")
                .then().statusCode(200).extract().<Boolean>path("active")).isFalse();
    }

    @Test
    @DisplayName("an operator disables the brokered user: the key stops working")
    void disableStopsKey() throws Exception {
        BrokeredKey minted = brokeredUserWithKey("disabled");
        assertThat(gateway.sdk(minted.key()).models().list().data()).isNotEmpty();

        UserRepresentation user = minted.account().toRepresentation();
        user.setEnabled(false);
        minted.account().update(user);

        refusedAfterOneRound("key refused after the user was disabled", minted.key());
    }

    @Test
    @DisplayName("Open WebUI's token (code flow + PKCE S256 through open-webui, kc_idp_hint=access) is accepted as the person, channel ui")
    void webUiToken() throws Exception {
        Person person = SimulatedCilogon.person("webui").create(keycloak);
        // Exactly what Open WebUI sends: its scopes (OAUTH_SCOPES default) and OAUTH_AUTHORIZE_PARAMS {"kc_idp_hint":"access"}.
        BrowserLogin.Brokered trip = BrowserLogin.webUi(keycloak).loginThroughProvider("access", person.username(),
                SimulatedCilogon.DEMO_PASSWORD, Map.of("scope", "openid email profile"));
        assertThat(trip.succeeded()).isTrue();
        JWTClaimsSet claims = SignedJWT.parse(trip.tokens().accessToken()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.WEB_UI_CLIENT);
        assertThat(claims.getAudience()).contains(TestRealm.GATEWAY_CLIENT);
        assertThat(SignedJWT.parse(trip.tokens().idToken()).getJWTClaimsSet().getStringClaim("email"))
                .as("Open WebUI needs the email claim").isEqualTo(person.email());
        assertThat(trip.tokens().refreshToken()).as("Open WebUI refreshes before forwarding").isNotBlank();

        List<String> models = gateway.sdk(trip.tokens().accessToken()).models().list().data().stream().map(Model::id).toList();
        var completion = gateway.sdk(trip.tokens().accessToken()).chat().completions().create(chat("model-b"));

        assertThat(models).containsExactly("model-a", "model-b", "model-c");
        assertThat(completion.model()).isEqualTo("model-b");
        var headers = gateway.lastProxiedTo(gateway.beta).headers();
        assertThat(headers.get("x-auth-user")).isEqualTo(person.eppn());
        assertThat(headers.get("x-auth-client")).isEqualTo(TestRealm.WEB_UI_CLIENT);
        Waiting.until("the access log names the person", () -> !gateway.channelsOf(claims.getSubject()).isEmpty(),
                GatewayApiKeyIT.UNATTENDED_LIMIT);
        assertThat(gateway.channelsOf(claims.getSubject())).as("counted as the person's web-UI use").containsOnly("ui");

        String refreshed = given().formParam("grant_type", "refresh_token").formParam("refresh_token", trip.tokens().refreshToken())
                .formParam("client_id", TestRealm.WEB_UI_CLIENT).formParam("client_secret", TestRealm.WEB_UI_SECRET)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        assertThat(gateway.sdk(refreshed).models().list().data()).hasSize(3);
    }
}
