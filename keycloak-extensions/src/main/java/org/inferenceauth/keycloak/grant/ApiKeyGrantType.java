package org.inferenceauth.keycloak.grant;

import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * Exchanges a project API key for a short-lived access token of the key's owner, at the token
 * endpoint: {@code grant_type=}{@value ApiKeyGrantTypeFactory#GRANT_TYPE}{@code &api_key=ik_…} plus
 * the client's own authentication. The token is no wider than the key:
 * <ul>
 *   <li>only confidential clients an operator enabled ({@link ApiKeySettings#EXCHANGE_CLIENT_ATTRIBUTE}) may ask;</li>
 *   <li>it expires with the key at the latest, and names it in the claim {@value ApiKeyService#TOKEN_KEY_ID_CLAIM}, so a
 *       gateway can refuse it once the key is revoked;</li>
 *   <li>its only role is the realm's required role for the inference API (no other realm role,
 *       no client role: no realm-management, no account);</li>
 *   <li>no ID token, no refresh token, no stored session (transient), and Keycloak's own endpoints
 *       refuse it ({@link #isTokenAllowed}).</li>
 * </ul>
 * The key id, project and scopes are also user-session notes ({@value #NOTE_KEY_ID}…), for
 * "User Session Note" mappers.
 */
final class ApiKeyGrantType extends OAuth2GrantTypeBase {

    static final String API_KEY_PARAM = "api_key";
    static final String NOTE_KEY_ID = ApiKeyService.SESSION_NOTE_KEY_ID;
    static final String NOTE_PROJECT = "api_key_project";
    static final String NOTE_SCOPE = "api_key_scope";

    @Override
    public EventType getEventType() {
        return EventType.TOKEN_EXCHANGE;
    }

    /** Marks the key as a token parameter: Keycloak then applies its longer token length limit. */
    @Override
    public Set<String> getTokenParameterNames() {
        return Set.of(API_KEY_PARAM);
    }

    @Override
    public Response process(Context context) {
        setContext(context);
        // Before looking at the key: a client that may not exchange keys learns nothing about them.
        if (!ApiKeySettings.mayExchangeKeys(client)) {
            event.error(Errors.NOT_ALLOWED);
            throw new CorsErrorResponseException(cors, OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "This client may not exchange API keys for tokens", Response.Status.BAD_REQUEST);
        }
        String apiKey = formParams.getFirst(API_KEY_PARAM);
        if (apiKey == null || apiKey.isEmpty()) {
            event.error(Errors.INVALID_REQUEST);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_REQUEST,
                    "Missing parameter: " + API_KEY_PARAM, Response.Status.BAD_REQUEST);
        }
        ApiKeyService keys = new ApiKeyService(session, realm);
        Optional<ValidatedKey> found = keys.validate(apiKey);
        if (found.isEmpty()) {
            event.error(Errors.INVALID_USER_CREDENTIALS);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT, "Invalid API key",
                    Response.Status.BAD_REQUEST);
        }
        ValidatedKey key = found.get();
        UserModel user = key.user();
        event.user(user).detail(Details.USERNAME, user.getUsername()).detail(NOTE_KEY_ID, key.keyId());
        if (key.scopes().stream().anyMatch(scope -> scope.startsWith("model:"))) {
            // The access token's own scope claim would not carry the key's model limits, so a
            // gateway verifying the token offline would let it use every model: refuse instead.
            event.error(Errors.INVALID_REQUEST);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT,
                    "A key limited to certain models cannot be exchanged for a token; send the key itself.",
                    Response.Status.BAD_REQUEST);
        }

        // The client's default scopes only: no "openid" (no ID token), nothing the caller asks to add.
        RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
        AuthenticationSessionModel authSession = root.createAuthenticationSession(client);
        authSession.setAuthenticatedUser(user);
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        authSession.setClientNote(OIDCLoginProtocol.ISSUER,
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));

        UserSessionModel userSession = new UserSessionManager(session).createUserSession(root.getId(), realm, user,
                user.getUsername(), clientConnection.getRemoteHost(), ApiKeyGrantTypeFactory.AUTH_METHOD, false, null,
                null, UserSessionModel.SessionPersistenceState.TRANSIENT);
        userSession.setNote(NOTE_KEY_ID, key.keyId());
        userSession.setNote(NOTE_PROJECT, key.project());
        userSession.setNote(NOTE_SCOPE, String.join(" ", key.scopes()));
        event.session(userSession);

        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);
        TokenManager.AccessTokenResponseBuilder response = createTokenResponseBuilder(user, userSession, clientSessionCtx,
                null, null);
        narrow(response.getAccessToken(), key, keys.settings().requiredRole());
        return createTokenResponse(response, clientSessionCtx, false);
    }

    /** Cuts the token down to what the inference API needs; see the class comment. */
    static void narrow(AccessToken token, ValidatedKey key, String requiredRole) {
        if (key.expiresAt() != null && (token.getExp() == null || token.getExp() > key.expiresAt())) {
            token.exp(key.expiresAt());
        }
        token.setOtherClaims(ApiKeyService.TOKEN_KEY_ID_CLAIM, key.keyId());
        if (key.project() != null) { // the gateway charges the project's shared budget (inference_limits.project) by it
            token.setOtherClaims(ApiKeyService.TOKEN_PROJECT_CLAIM, key.project());
        }
        // The owner holds the role: the key would not be valid otherwise.
        token.setRealmAccess(new AccessToken.Access().addRole(requiredRole));
        token.setResourceAccess(null);
    }

    /** A transient session cannot be refreshed. */
    @Override
    protected boolean useRefreshToken() {
        return false;
    }

    /**
     * Tokens bought with a key are for the inference API only: Keycloak's own endpoints (account,
     * admin, userinfo, and our self-service API, which would otherwise let a key mint more keys)
     * refuse them.
     */
    @Override
    public boolean isTokenAllowed(KeycloakSession session, AccessToken token) {
        return false;
    }
}
