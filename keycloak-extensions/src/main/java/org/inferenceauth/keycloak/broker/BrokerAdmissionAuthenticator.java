package org.inferenceauth.keycloak.broker;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Decides whether a person who logged in at an institution may enter, before any account is made
 * or used: on the first login an email is required (accounts, key owners and the web UI need one),
 * and on every login the institution must pass the realm's {@link InstitutionPolicy}. Put it first in
 * the first-broker-login flow and in the post-broker-login flow, so that an operator's later
 * restriction also stops people who already have accounts.
 *
 * <p>Refusals use {@code forceChallenge}: a refused returning person is not counted as a brute-force
 * failure, which would lock the account after the operator lifts the restriction.
 */
final class BrokerAdmissionAuthenticator implements Authenticator {

    static final String REFUSED_TEMPLATE = "inference-broker-refused.ftl";
    static final String MESSAGE_EMAIL_MISSING = "inferenceBrokerEmailMissing";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        BrokeredLogin login = BrokeredLogin.of(context).orElseThrow(() -> new AuthenticationFlowException(
                "inference-broker-admission runs only in first-broker-login and post-broker-login flows",
                AuthenticationFlowError.IDENTITY_PROVIDER_ERROR));
        String email = login.identity().getEmail();
        if (login.firstLogin() && (email == null || email.isBlank())) {
            context.getEvent().detail(Details.IDENTITY_PROVIDER, login.alias()).detail(Details.REASON, "email_missing")
                    .error(Errors.INVALID_USER);
            context.forceChallenge(context.form().setError(MESSAGE_EMAIL_MISSING, login.providerDisplayName())
                    .createErrorPage(Response.Status.BAD_REQUEST));
            return;
        }
        Object idp = login.claim("idp");
        InstitutionPolicy policy = new InstitutionPolicy(BrokerSettings.of(context.getRealm()));
        if (!policy.admits(idp == null ? null : idp.toString(), login.claim("affiliation"))) {
            context.getEvent().detail(Details.IDENTITY_PROVIDER, login.alias()).detail(Details.REASON, "institution_not_allowed")
                    .error(Errors.NOT_ALLOWED);
            context.forceChallenge(context.form()
                    .setAttribute("inferenceInstitution", institution(login, idp))
                    .setAttribute("inferenceProvider", login.providerDisplayName())
                    .setStatus(Response.Status.FORBIDDEN)
                    .createForm(REFUSED_TEMPLATE));
            return;
        }
        context.success();
    }

    /** The institution's name as CILogon gives it, else its entity ID, else the provider's name. */
    private static String institution(BrokeredLogin login, Object idp) {
        Object name = login.claim("idp_name");
        if (name != null && !name.toString().isBlank()) {
            return name.toString();
        }
        return idp != null ? idp.toString() : login.providerDisplayName();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

    @Override
    public void close() {}
}
