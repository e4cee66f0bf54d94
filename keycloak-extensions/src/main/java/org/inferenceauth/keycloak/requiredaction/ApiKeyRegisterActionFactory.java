package org.inferenceauth.keycloak.requiredaction;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Registers the {@value #PROVIDER_ID} required action. Its alias in the realm must equal this id:
 * {@code kc_action} looks actions up by alias, the account console's "Set up" button by provider id.
 */
public final class ApiKeyRegisterActionFactory implements RequiredActionFactory {

    public static final String PROVIDER_ID = "project-api-key-register";

    private static final ApiKeyRegisterAction ACTION = new ApiKeyRegisterAction();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Create a project API key";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return ACTION; // stateless
    }

    @Override
    public void init(Config.Scope config) {
        // no server-wide settings: the realm's inference.apikey.* attributes rule
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to wire
    }

    @Override
    public void close() {
        // nothing held
    }
}
