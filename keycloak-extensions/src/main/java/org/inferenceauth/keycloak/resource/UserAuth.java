package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.NotAuthorizedException;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Authenticates the owner of the self-service API: a user's bearer access token with a live session,
 * issued to one of the realm's self-service clients (the account console, the web UI). Never
 * cookies, so state-changing calls cannot be forged cross-site.
 */
final class UserAuth {


    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeySettings settings;

    UserAuth(KeycloakSession session, RealmModel realm, ApiKeySettings settings) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
    }

    /** The calling user; 401 unless the token is valid, live and issued to a self-service client. */
    Caller authenticate() {
        if (session.getContext().getRequestHeaders().getHeaderString("Authorization") == null) {
            throw ApiErrors.unauthorized(realm.getName(), null, "A bearer access token is required.");
        }
        AuthResult result;
        try {
            result = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (NotAuthorizedException notBearer) {
            result = null;
        }
        if (result == null) {
            throw ApiErrors.unauthorized(realm.getName(), "invalid_token", "The access token is invalid or expired.");
        }
        AccessToken token = result.token();
        if (!settings.selfServiceClients().contains(token.getIssuedFor())) {
            throw ApiErrors.unauthorized(realm.getName(), "invalid_token",
                    "The access token was not issued to a client that may manage API keys.");
        }
        if (result.user().getServiceAccountClientLink() != null) {
            throw ApiErrors.unauthorized(realm.getName(), "invalid_token", "Service accounts hold no API keys.");
        }
        Cors.builder().auth().allowedMethods("GET", "POST", "DELETE").exposedHeaders("WWW-Authenticate")
                .checkAllowedOrigins(token).add();
        return new Caller(result.user(), token);
    }

    /** 403 without the minting role; 401 (re-authenticate) when the login is older than the realm allows. */
    void requireMayMint(Caller caller) {
        if (!ApiKeySettings.mayMint(realm, caller.user())) {
            throw ApiErrors.error(403, "insufficient_scope",
                    "The role " + ApiKeySettings.MINT_ROLE + " is required to mint keys.");
        }
        Long authTime = caller.token().getAuth_time();
        int maxAge = settings.mintMaxAuthAge();
        if (authTime == null || Time.currentTime() - authTime > maxAge) {
            throw ApiErrors.reauthenticate(maxAge);
        }
    }

    record Caller(UserModel user, AccessToken token) {}
}
