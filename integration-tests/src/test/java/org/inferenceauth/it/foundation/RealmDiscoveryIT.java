package org.inferenceauth.it.foundation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.path.json.JsonPath;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("The realm import is served by a real Keycloak")
class RealmDiscoveryIT {

    @Test
    @DisplayName("OIDC discovery of realm 'inference' names its issuer and endpoints")
    void discoveryDocument(KeycloakServer keycloak) {
        String issuer = keycloak.getIssuer(TestRealm.REALM);
        JsonPath discovery = given().get(issuer + "/.well-known/openid-configuration")
                .then().statusCode(200).extract().jsonPath();

        assertThat(discovery.getString("issuer")).isEqualTo(issuer);
        assertThat(discovery.getString("authorization_endpoint")).isEqualTo(issuer + "/protocol/openid-connect/auth");
        assertThat(discovery.getString("token_endpoint")).isEqualTo(issuer + "/protocol/openid-connect/token");
        assertThat(discovery.getString("jwks_uri")).isEqualTo(issuer + "/protocol/openid-connect/certs");
        assertThat(discovery.getString("introspection_endpoint")).isEqualTo(issuer + "/protocol/openid-connect/token/introspect");
        assertThat(discovery.getList("grant_types_supported", String.class))
                .contains("authorization_code", "client_credentials", "refresh_token");
        assertThat(discovery.getList("code_challenge_methods_supported", String.class)).contains("S256");
    }

    @Test
    @DisplayName("a realm that does not exist answers 404")
    void unknownRealm(KeycloakServer keycloak) {
        given().get(keycloak.getIssuer("no-such-realm") + "/.well-known/openid-configuration")
                .then().statusCode(404);
    }

    @Test
    @DisplayName("events are recorded so that web-UI logins can be counted")
    void eventsEnabled(KeycloakServer keycloak) {
        var realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM).toRepresentation();
        assertThat(realm.isEventsEnabled()).isTrue();
        assertThat(realm.isAdminEventsEnabled()).isTrue();
    }

    @Test
    @DisplayName("health endpoint reports the server ready")
    void ready(KeycloakServer keycloak) {
        given().get(keycloak.getManagementUrl() + "/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
