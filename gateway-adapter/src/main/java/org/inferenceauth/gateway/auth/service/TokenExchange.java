package org.inferenceauth.gateway.auth.service;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.gateway.auth.ServiceCredential;
import org.inferenceauth.gateway.config.GatewayConfig;

/**
 * The client-credentials grant at the realm's token endpoint, as the service account itself: id
 * and secret in the form body ({@code client_secret_post}), never in a URL or a message.
 */
public final class TokenExchange {

    /** What Keycloak answered: a token and its lifetime, a refusal of the credentials, or no usable answer. */
    public sealed interface Outcome {
        record Token(String accessToken, Duration lifetime) implements Outcome {}

        record Refused(String error) implements Outcome {}

        record Unavailable(String reason) implements Outcome {}
    }

    private final HttpClient http;
    private final String endpoint;
    private final long timeoutMillis;

    public TokenExchange(HttpClient http, GatewayConfig.Keycloak keycloak) {
        this.http = http;
        this.endpoint = keycloak.realmUrl() + "/protocol/openid-connect/token";
        this.timeoutMillis = keycloak.timeout().toMillis();
    }

    public Future<Outcome> exchange(ServiceCredential credential) {
        Buffer form = Buffer.buffer("grant_type=client_credentials&client_id=" + encode(credential.clientId())
                + "&client_secret=" + encode(credential.secret()));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(endpoint)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis)
                .setHeaders(MultiMap.caseInsensitiveMultiMap()
                        .add("content-type", "application/x-www-form-urlencoded")
                        .add("accept", "application/json"));
        return http.request(options)
                .compose(request -> request.send(form))
                .compose(response -> response.body().map(body -> outcome(response.statusCode(), body)))
                .timeout(timeoutMillis * 2, TimeUnit.MILLISECONDS)
                .otherwise(failure -> new Outcome.Unavailable("token endpoint unreachable: " + failure.getClass().getSimpleName()));
    }

    /**
     * 200 with a token; 400/401 with an OAuth error ({@code invalid_client} for an unknown client,
     * {@code unauthorized_client} for a wrong secret or a client without a service account) refuse
     * the credentials; anything else is Keycloak not answering usefully.
     */
    private static Outcome outcome(int status, Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            return new Outcome.Unavailable("token endpoint answered HTTP " + status + " without JSON");
        }
        if (status == 200 && json.getValue("access_token") instanceof String token && !token.isEmpty()) {
            long seconds = json.getValue("expires_in") instanceof Number n ? n.longValue() : 60;
            return new Outcome.Token(token, Duration.ofSeconds(Math.max(1, seconds)));
        }
        if ((status == 400 || status == 401) && json.getValue("error") instanceof String error) {
            return new Outcome.Refused(error);
        }
        return new Outcome.Unavailable("token endpoint answered HTTP " + status);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
