package org.inferenceauth.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.inferenceauth.gateway.async.Futures;
import org.inferenceauth.gateway.auth.apikey.ApiKeyAuthenticator;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.auth.service.ServiceAccountAuthenticator;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/** Finds the credential in a request and sends it to the right verifier (JWT, API key or service credentials). */
public final class Authenticator {

    private final JwtAuthenticator jwts;
    private final ApiKeyAuthenticator apiKeys;
    private final GatewayMetrics metrics;
    private final ServiceAccountAuthenticator serviceAccounts;

    public Authenticator(JwtAuthenticator jwts, ApiKeyAuthenticator apiKeys, GatewayMetrics metrics) {
        this(jwts, apiKeys, metrics, null);
    }

    /** @param serviceAccounts service credentials' verifier, or null when they are not accepted */
    public Authenticator(JwtAuthenticator jwts, ApiKeyAuthenticator apiKeys, GatewayMetrics metrics,
                         ServiceAccountAuthenticator serviceAccounts) {
        this.jwts = jwts;
        this.apiKeys = apiKeys;
        this.metrics = metrics;
        this.serviceAccounts = serviceAccounts;
    }

    /** @param source the request's source ({@code ClientAddress}), charged for keys Keycloak refuses */
    public Future<AuthResult> authenticate(MultiMap headers, String source, Context context) {
        CredentialExtractor.Found found = CredentialExtractor.find(headers, serviceAccounts != null);
        if (found instanceof CredentialExtractor.Found.None) {
            metrics.auth("none", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.MISSING));
        }
        if (found instanceof CredentialExtractor.Found.Ambiguous) {
            metrics.auth("none", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.AMBIGUOUS));
        }
        if (found instanceof CredentialExtractor.Found.Malformed) {
            metrics.auth("service_account", "none", "rejected");
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.SERVICE_CREDENTIAL_MALFORMED));
        }
        if (found instanceof CredentialExtractor.Found.Service service) {
            return Futures.andThen(serviceAccounts.authenticate(service.credential(), source, context), done ->
                    metrics.auth("service_account", channel(done.result()), outcome(done.result())));
        }
        String credential = ((CredentialExtractor.Found.One) found).credential();
        boolean jwt = CredentialExtractor.looksLikeJwt(credential);
        Future<AuthResult> result = jwt ? jwts.authenticate(credential, context)
                : apiKeys.authenticate(credential, source, context);
        return Futures.andThen(result, done -> metrics.auth(jwt ? "jwt" : "api_key", channel(done.result()), outcome(done.result())));
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
