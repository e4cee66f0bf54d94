package org.inferenceauth.it.console;

import static io.restassured.RestAssured.given;

import java.util.Map;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;

/** Asks Keycloak about an API key the way a gateway does (docs/api-keys-contract.md). */
final class Introspection {

    private Introspection() {}

    /** The RFC 7662-shaped answer of {@code POST /realms/inference/api-keys/introspect}. */
    static Map<String, Object> introspect(KeycloakServer keycloak, String apiKey) {
        return given().auth().preemptive().basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET)
                .formParam("token", apiKey)
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys/introspect")
                .then().statusCode(200)
                .extract().jsonPath().getMap("");
    }
}
