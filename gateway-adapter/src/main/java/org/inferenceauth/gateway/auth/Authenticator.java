package org.inferenceauth.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.Optional;
import org.inferenceauth.gateway.auth.apikey.ApiKeyAuthenticator;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.ops.GatewayMetrics;

/** Finds the credential in a request and sends it to the right verifier (JWT or API key). */
public final class Authenticator {

    private final JwtAuthenticator jwts;
    private final ApiKeyAuthenticator apiKeys;
    private final GatewayMetrics metrics;

    public Authenticator(JwtAuthenticator jwts, ApiKeyAuthenticator apiKeys, GatewayMetrics metrics) {
        this.jwts = jwts;
        this.apiKeys = apiKeys;
        this.metrics = metrics;
    }

    public Future<AuthResult> authenticate(MultiMap headers, Context context) {
        Optional<String> credential = CredentialExtractor.extract(headers);
        if (credential.isEmpty()) {
            metrics.auth("none", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.MISSING));
        }
        boolean jwt = CredentialExtractor.looksLikeJwt(credential.get());
        Future<AuthResult> result = jwt ? jwts.authenticate(credential.get(), context)
                : apiKeys.authenticate(credential.get(), context);
        return result.andThen(done -> metrics.auth(jwt ? "jwt" : "api_key", channel(done.result()), outcome(done.result())));
    }

    private static String channel(AuthResult result) {
        return result instanceof AuthResult.Authenticated authenticated ? authenticated.identity().channel().label() : "none";
    }

    private static String outcome(AuthResult result) {
        if (result instanceof AuthResult.Authenticated) {
            return "authenticated";
        }
        return result instanceof AuthResult.Unavailable ? "unavailable" : "rejected";
    }
}
