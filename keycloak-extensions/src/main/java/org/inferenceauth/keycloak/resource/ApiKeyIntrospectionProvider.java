package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.services.ErrorResponseException;

/**
 * Keycloak's standard introspection endpoint ({@code /protocol/openid-connect/token/introspect})
 * with {@code token_type_hint=api_key}: for tools that speak only that endpoint. Keycloak has
 * already authenticated a confidential client; as at our own endpoint, it must also be a gateway
 * ({@link GatewayAuth}), else 403 {@code insufficient_scope}. The answer is {@link IntrospectionAnswer}'s,
 * byte for byte the one {@code /api-keys/introspect} gives (a realm access token included, since
 * RFC 7662 §2.1 wants the search extended when the hint does not fit).
 *
 * <p>Only Keycloak's own {@link ErrorResponseException} passes that endpoint unchanged (it turns
 * any other exception into 400), so every refusal here is one. The endpoint's {@code @NoCache}
 * replaces our {@code Cache-Control: no-store} with {@code no-cache} (Keycloak 26.7).
 */
final class ApiKeyIntrospectionProvider implements TokenIntrospectionProvider {

    private final KeycloakSession session;

    ApiKeyIntrospectionProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Response introspect(String token, EventBuilder event) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = session.getContext().getClient();
        event.detail(Details.TOKEN_TYPE, ApiKeyIntrospectionProviderFactory.PROVIDER_ID);
        if (!GatewayAuth.isGateway(session, realm, client)) {
            event.detail(Details.REASON, "client lacks role " + GatewayAuth.ROLE).error(Errors.NOT_ALLOWED);
            throw refusal(ApiErrors.error(403, GatewayAuth.NOT_A_GATEWAY, GatewayAuth.NOT_A_GATEWAY_DESCRIPTION));
        }
        if (token.isEmpty()) {
            event.error(Errors.INVALID_REQUEST);
            throw refusal(ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "Send exactly one form parameter token."));
        }
        try {
            return DatabaseFailures.unavailableOnFailure(session, () -> answer(realm, token, event));
        } catch (ErrorResponseException e) {
            throw e;
        } catch (WebApplicationException e) { // the database's 503, which must not become a 400
            event.detail(Details.REASON, "database unavailable").error("temporarily_unavailable");
            throw refusal(e);
        }
    }

    private Response answer(RealmModel realm, String token, EventBuilder event) {
        Map<String, Object> answer = new IntrospectionAnswer(session, realm, new ApiKeyService(session, realm)).of(token);
        if (IntrospectionAnswer.isActive(answer)) {
            // Names the key's id and owner, never the key itself.
            event.user((String) answer.get("sub"));
            if (answer.get("key_id") instanceof String keyId) {
                event.detail(Details.CREDENTIAL_ID, keyId);
            }
            event.success();
        } else {
            event.error(Errors.INVALID_TOKEN);
        }
        return IntrospectionAnswer.response(answer);
    }

    private static ErrorResponseException refusal(WebApplicationException answered) {
        return new ErrorResponseException(answered.getResponse());
    }

    @Override
    public void close() {}
}
