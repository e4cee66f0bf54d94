package org.inferenceauth.keycloak.grant;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/** Registers the key-for-token grant; its id is the {@code grant_type} value clients send. */
public final class ApiKeyGrantTypeFactory implements OAuth2GrantTypeFactory {

    public static final String GRANT_TYPE = "urn:inference-auth:params:oauth:grant-type:api-key";

    /** Encoded into every token id; must differ from Keycloak's (ac, rt, ro, cc, te, pg, pc, ag, dg, ci). */
    static final String SHORTCUT = "ik";

    /** Recorded as the user session's authentication method. */
    static final String AUTH_METHOD = "project-api-key";

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new ApiKeyGrantType();
    }

    @Override
    public String getId() {
        return GRANT_TYPE;
    }

    @Override
    public String getShortcut() {
        return SHORTCUT;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
