package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.inferenceauth.gateway.config.GatewayConfig;

/**
 * The gateway's calls to the realm's API-key endpoints, authenticated as the gateway's own
 * confidential client (HTTP Basic). Every failure to get a usable answer is a failed future with
 * {@link KeycloakUnavailableException}; the key itself never appears in a message.
 */
public final class KeycloakApiKeyClient {

    private final HttpClient http;
    private final String base;
    private final String authorization;
    private final long timeoutMillis;
    private final KeycloakHealth health;

    public KeycloakApiKeyClient(HttpClient http, GatewayConfig.Keycloak config, KeycloakHealth health) {
        this.http = http;
        this.health = health;
        this.base = config.realmUrl() + "/api-keys";
        this.authorization = config.basicAuthorization();
        this.timeoutMillis = config.timeout().toMillis();
    }

    /** {@code POST /api-keys/introspect}. */
    public Future<Introspection> introspect(String apiKey) {
        Buffer form = Buffer.buffer("token=" + urlEncode(apiKey));
        return send(HttpMethod.POST, base + "/introspect", "application/x-www-form-urlencoded", form)
                .map(Introspection::fromJson);
    }

    /** {@code GET /api-keys/revocations[?since=cursor]}: events since the cursor, or just a starting cursor. */
    public Future<RevocationBatch> revocations(String cursor) {
        String url = base + "/revocations" + (cursor == null ? "" : "?since=" + urlEncode(cursor));
        return send(HttpMethod.GET, url, null, null).map(RevocationBatch::fromJson);
    }

    /** {@code POST /api-keys/revocations/check}: which of these key ids are no longer active. */
    public Future<Set<String>> inactiveKeyIds(Collection<String> keyIds) {
        JsonObject body = new JsonObject().put("key_ids", new JsonArray(List.copyOf(keyIds)));
        return send(HttpMethod.POST, base + "/revocations/check", "application/json", body.toBuffer())
                .map(json -> json.getJsonArray("inactive", new JsonArray()).stream()
                        .map(String::valueOf).collect(Collectors.toUnmodifiableSet()));
    }

    private Future<JsonObject> send(HttpMethod method, String url, String contentType, Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(url)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis)
                .setHeaders(MultiMap.caseInsensitiveMultiMap()
                        .add("authorization", authorization)
                        .add("accept", "application/json"));
        if (contentType != null) {
            options.addHeader("content-type", contentType);
        }
        String what = method + " " + URI.create(url).getPath();
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(b -> parse(what, response, b)))
                // A hard stop on top of the client's own timeouts: a Keycloak call must never hang.
                .timeout(timeoutMillis * 2, java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(failure instanceof KeycloakUnavailableException
                        ? failure : new KeycloakUnavailableException(what + " failed", failure)));
    }

    private JsonObject parse(String what, HttpClientResponse response, Buffer body) {
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            health.refused(what, response.statusCode());
            throw new KeycloakUnavailableException(what + " refused the gateway's client credentials (HTTP "
                    + response.statusCode() + "); check GATEWAY_KEYCLOAK_CLIENT_ID/SECRET");
        }
        if (response.statusCode() != 200) {
            throw new KeycloakUnavailableException(what + " answered HTTP " + response.statusCode());
        }
        health.accepted();
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            throw new KeycloakUnavailableException(what + " answered a body that is not a JSON object");
        }
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
