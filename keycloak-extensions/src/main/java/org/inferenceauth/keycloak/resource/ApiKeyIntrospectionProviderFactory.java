package org.inferenceauth.keycloak.resource;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;

/**
 * Keycloak's introspection endpoint picks its provider by {@code token_type_hint}
 * ({@code TokenIntrospectionEndpoint}, Keycloak 26.7): this one answers {@value #PROVIDER_ID}.
 * Without the hint, or with {@code access_token} / {@code refresh_token}, Keycloak's own providers answer.
 */
public final class ApiKeyIntrospectionProviderFactory implements TokenIntrospectionProviderFactory {

    public static final String PROVIDER_ID = "api_key";

    @Override
    public TokenIntrospectionProvider create(KeycloakSession session) {
        return new ApiKeyIntrospectionProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
