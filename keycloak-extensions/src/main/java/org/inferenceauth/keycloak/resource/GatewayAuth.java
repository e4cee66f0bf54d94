package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.OAuth2Constants;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.utils.AuthorizeClientUtil;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Authenticates a gateway: either client authentication as at the token endpoint (HTTP Basic or
 * form client secret, signed JWT…) or a bearer token of the client's own service account. Either
 * way the client's service account must hold the realm role {@value #ROLE}.
 */
final class GatewayAuth {

    static final String ROLE = "api-key-introspector";
    static final String NOT_A_GATEWAY = "insufficient_scope";
    static final String NOT_A_GATEWAY_DESCRIPTION = "The client's service account needs the role " + ROLE + ".";

    private final KeycloakSession session;
    private final RealmModel realm;

    GatewayAuth(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The authenticated gateway client; 401 without valid client credentials, 403 without the role. */
    ClientModel authenticate() {
        String authorization = session.getContext().getRequestHeaders().getHeaderString("Authorization");
        UserModel serviceAccount;
        ClientModel client;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            AuthResult result = bearer();
            client = result.client();
            serviceAccount = result.user();
            if (!client.getId().equals(serviceAccount.getServiceAccountClientLink())) {
                throw ApiErrors.error(403, "insufficient_scope", "Only a client's service-account token is accepted.");
            }
        } else {
            if (authorization == null && !hasClientCredentialsInForm()) {
                throw ApiErrors.unauthorized(realm.getName(), null, "Client authentication is required.");
            }
            EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                    .event(EventType.INTROSPECT_TOKEN);
            client = AuthorizeClientUtil.authorizeClient(session, event, null).getClient();
            serviceAccount = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
        }
        if (!isGateway(realm, serviceAccount)) {
            throw ApiErrors.error(403, NOT_A_GATEWAY, NOT_A_GATEWAY_DESCRIPTION);
        }
        return client;
    }

    /** Whether an authenticated client is a gateway: the same rule at every door (see {@link ApiKeyIntrospectionProvider}). */
    static boolean isGateway(KeycloakSession session, RealmModel realm, ClientModel client) {
        return client != null && client.isServiceAccountsEnabled()
                && isGateway(realm, session.users().getServiceAccount(client));
    }

    private static boolean isGateway(RealmModel realm, UserModel serviceAccount) {
        RoleModel role = realm.getRole(ROLE);
        return serviceAccount != null && serviceAccount.isEnabled() && role != null && serviceAccount.hasRole(role);
    }

    private AuthResult bearer() {
        AuthResult result;
        try {
            result = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (NotAuthorizedException malformed) {
            result = null;
        }
        if (result == null) {
            throw ApiErrors.unauthorized(realm.getName(), "invalid_token", "The access token is invalid or expired.");
        }
        return result;
    }

    private boolean hasClientCredentialsInForm() {
        var contentType = session.getContext().getRequestHeaders().getMediaType();
        if (contentType == null || !contentType.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            return false;
        }
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        return form.containsKey(OAuth2Constants.CLIENT_ID) || form.containsKey(OAuth2Constants.CLIENT_ASSERTION);
    }
}
