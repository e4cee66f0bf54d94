package org.inferenceauth.keycloak.broker;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;

/** See {@link BrokerAdmissionAuthenticator}. */
public final class BrokerAdmissionAuthenticatorFactory extends FlowStepFactory {

    public static final String PROVIDER_ID = "inference-broker-admission";

    private static final Authenticator INSTANCE = new BrokerAdmissionAuthenticator();

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
        return "Institution admission (inference)";
    }

    @Override
    public String getHelpText() {
        return "Brokered logins only: requires an email on the first login and an institution allowed by the realm "
                + "attributes " + BrokerSettings.ALLOWED_IDPS + " and " + BrokerSettings.ALLOWED_AFFILIATIONS
                + "; shows a refusal page otherwise. Use it in first-broker-login and post-broker-login flows.";
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return new Requirement[] {Requirement.REQUIRED, Requirement.DISABLED};
    }
}
