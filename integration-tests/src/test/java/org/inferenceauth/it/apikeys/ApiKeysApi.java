package org.inferenceauth.it.apikeys;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.keycloak.representations.idm.UserRepresentation;

/** The API key endpoints of one realm, as the account console and a gateway call them. */
final class ApiKeysApi {

    private final KeycloakServer server;
    private final String realm;
    private final String gatewayClient;
    private final String gatewaySecret;

    ApiKeysApi(KeycloakServer server, String realm, String gatewayClient, String gatewaySecret) {
        this.server = server;
        this.realm = realm;
        this.gatewayClient = gatewayClient;
        this.gatewaySecret = gatewaySecret;
    }

    /** The shipped realm with its gateway client. */
    static ApiKeysApi inference(KeycloakServer server) {
        return new ApiKeysApi(server, TestRealm.REALM, TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
    }

    String base() {
        return server.getIssuer(realm) + "/api-keys";
    }

    String realm() {
        return realm;
    }

    /** An access token of the account console for a fresh login of {@code user}. */
    String login(UserRepresentation user) {
        return BrowserLogin.accountConsole(server, realm).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
    }

    RequestSpecification asUser(String token) {
        return given().auth().oauth2(token).accept(ContentType.JSON);
    }

    Response create(String token, Map<String, Object> body) {
        return asUser(token).contentType(ContentType.JSON).body(body).post(base());
    }

    /** Mints a personal key named {@code name} and returns the key string. */
    String mint(String token, String name) {
        return create(token, Map.of("name", name)).then().statusCode(201).extract().path("key");
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    Response list(String token) {
        return asUser(token).get(base());
    }

    Response revoke(String token, String keyId) {
        return asUser(token).delete(base() + "/" + keyId);
    }

    RequestSpecification asGateway() {
        return given().auth().preemptive().basic(gatewayClient, gatewaySecret).accept(ContentType.JSON);
    }

    Response introspect(String key) {
        return asGateway().contentType(ContentType.URLENC).formParam("token", key).post(base() + "/introspect");
    }

    boolean isActive(String key) {
        return introspect(key).then().statusCode(200).extract().<Boolean>path("active");
    }

    Response revocations(String since) {
        RequestSpecification request = asGateway();
        if (since != null) {
            request = request.queryParam("since", since);
        }
        return request.get(base() + "/revocations");
    }

    String cursor() {
        return revocations(null).then().statusCode(200).extract().path("cursor");
    }

    List<Map<String, String>> eventsSince(String cursor) {
        return revocations(cursor).then().statusCode(200).extract().jsonPath().getList("events");
    }

    /**
     * The feed's entries after {@code cursor} that concern one user. The feed replays entries of
     * the last seconds (at-least-once), so tests look only at their own user's entries.
     */
    List<Map<String, String>> eventsFor(String cursor, String userId) {
        return eventsSince(cursor).stream().filter(e -> userId.equals(e.get("sub"))).toList();
    }

    Response check(List<String> keyIds) {
        return asGateway().contentType(ContentType.JSON).body(Map.of("key_ids", keyIds)).post(base() + "/revocations/check");
    }
}
