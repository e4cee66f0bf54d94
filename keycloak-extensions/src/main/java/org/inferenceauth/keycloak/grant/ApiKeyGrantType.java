package org.inferenceauth.keycloak.grant;

import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.inferenceauth.keycloak.keys.ApiKeyService;
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
 * the client's own authentication. The session is transient (no refresh token, nothing stored), so
 * the token lives only as long as the realm's access-token lifespan. The key id, project and scopes
 * are user-session notes ({@value #NOTE_KEY_ID}…), available to "User Session Note" mappers.
 */
final class ApiKeyGrantType extends OAuth2GrantTypeBase {

    static final String API_KEY_PARAM = "api_key";
    static final String NOTE_KEY_ID = "api_key_id";
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
        if (client.isBearerOnly()) {
            event.error(Errors.INVALID_CLIENT);
            throw new CorsErrorResponseException(cors, OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "Bearer-only clients cannot obtain tokens", Response.Status.UNAUTHORIZED);
        }
        String apiKey = formParams.getFirst(API_KEY_PARAM);
        if (apiKey == null || apiKey.isEmpty()) {
            event.error(Errors.INVALID_REQUEST);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_REQUEST,
                    "Missing parameter: " + API_KEY_PARAM, Response.Status.BAD_REQUEST);
        }
        Optional<ValidatedKey> key = new ApiKeyService(session, realm).validate(apiKey);
        if (key.isEmpty()) {
            event.error(Errors.INVALID_USER_CREDENTIALS);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT, "Invalid API key",
                    Response.Status.BAD_REQUEST);
        }
        UserModel user = key.get().user();
        event.user(user).detail(Details.USERNAME, user.getUsername()).detail("api_key_id", key.get().keyId());
        if (key.get().scopes().stream().anyMatch(scope -> scope.startsWith("model:"))) {
            // The access token's own scope claim would not carry the key's model limits, so a
            // gateway verifying the token offline would let it use every model: refuse instead.
            event.error(Errors.INVALID_REQUEST);
            throw new CorsErrorResponseException(cors, OAuthErrorException.INVALID_GRANT,
                    "A key limited to certain models cannot be exchanged for a token; send the key itself.",
                    Response.Status.BAD_REQUEST);
        }

        String scope = getRequestedScopes();
        RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
        AuthenticationSessionModel authSession = root.createAuthenticationSession(client);
        authSession.setAuthenticatedUser(user);
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        authSession.setClientNote(OIDCLoginProtocol.ISSUER,
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
        authSession.setClientNote(OIDCLoginProtocol.SCOPE_PARAM, scope);

        UserSessionModel userSession = new UserSessionManager(session).createUserSession(root.getId(), realm, user,
                user.getUsername(), clientConnection.getRemoteHost(), ApiKeyGrantTypeFactory.AUTH_METHOD, false, null,
                null, UserSessionModel.SessionPersistenceState.TRANSIENT);
        userSession.setNote(NOTE_KEY_ID, key.get().keyId());
        userSession.setNote(NOTE_PROJECT, key.get().project());
        userSession.setNote(NOTE_SCOPE, String.join(" ", key.get().scopes()));
        event.session(userSession);

        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);
        return createTokenResponse(user, userSession, clientSessionCtx, scope, false, null);
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
