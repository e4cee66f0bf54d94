package org.inferenceauth.keycloak.credential;

import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public final class ApiKeyCredentialProviderFactory implements CredentialProviderFactory<ApiKeyCredentialProvider> {

    public static final String PROVIDER_ID = ApiKeyCredentialModel.TYPE;

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new ApiKeyCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
