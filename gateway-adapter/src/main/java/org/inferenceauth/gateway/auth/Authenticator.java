package org.inferenceauth.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.inferenceauth.gateway.auth.apikey.ApiKeyAuthenticator;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

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

    /** @param source the request's source ({@code ClientAddress}), charged for keys Keycloak refuses */
    public Future<AuthResult> authenticate(MultiMap headers, String source, Context context) {
        CredentialExtractor.Found found = CredentialExtractor.find(headers);
        if (found instanceof CredentialExtractor.Found.None) {
            metrics.auth("none", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.MISSING));
        }
        if (found instanceof CredentialExtractor.Found.Ambiguous) {
            metrics.auth("none", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.AMBIGUOUS));
        }
        String credential = ((CredentialExtractor.Found.One) found).credential();
        boolean jwt = CredentialExtractor.looksLikeJwt(credential);
        Future<AuthResult> result = jwt ? jwts.authenticate(credential, context)
                : apiKeys.authenticate(credential, source, context);
        return result.andThen(done -> metrics.auth(jwt ? "jwt" : "api_key", channel(done.result()), outcome(done.result())));
    }

    private static String channel(AuthResult result) {
        return result instanceof AuthResult.Authenticated authenticated ? authenticated.identity().channel().label() : "none";
    }

    private static String outcome(AuthResult result) {
        if (result instanceof AuthResult.Authenticated) {
            return "authenticated";
        }
        if (result instanceof AuthResult.Throttled) {
            return "throttled";
        }
        return result instanceof AuthResult.Unavailable ? "unavailable" : "rejected";
    }
}
