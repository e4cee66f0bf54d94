package org.inferenceauth.keycloak.broker;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;

/** See {@link VerifiedEmailLinkAuthenticator}. */
public final class VerifiedEmailLinkAuthenticatorFactory extends FlowStepFactory {

    public static final String PROVIDER_ID = "inference-link-verified-email";

    private static final Authenticator INSTANCE = new VerifiedEmailLinkAuthenticator();

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
        return "Link to the account with the same verified email (inference)";
    }

    @Override
    public String getHelpText() {
        return "First-broker-login flow, as an alternative after 'Create User If Unique': links to the existing account "
                + "when it was found by email, its email is verified and the provider's email is trusted; otherwise "
                + "attempted, so the next alternative asks the person to log into the account.";
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return new Requirement[] {Requirement.ALTERNATIVE, Requirement.DISABLED};
    }
}
