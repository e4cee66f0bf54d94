package org.inferenceauth.keycloak.credential;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** See {@link ApiKeyMarkerAuthenticator}. */
public final class ApiKeyMarkerAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "project-api-key-marker";

    private static final Authenticator INSTANCE = new ApiKeyMarkerAuthenticator();

    @Override
    public Authenticator create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Project API key (marker, never use in a login flow)";
    }

    @Override
    public String getHelpText() {
        return "Lets the account console list project API keys. Put it in an unbound flow only.";
    }

    @Override
    public String getReferenceCategory() {
        return ApiKeyCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return new Requirement[] {Requirement.REQUIRED, Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
