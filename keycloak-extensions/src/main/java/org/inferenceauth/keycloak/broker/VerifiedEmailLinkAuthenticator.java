package org.inferenceauth.keycloak.broker;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.ExistingUserInfo;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * In the first-broker-login flow, after "Create User If Unique" found an existing account: links
 * the institution's identity to it at once when {@link LinkRule} allows, else steps aside
 * ({@code attempted}) so that the next alternative asks the person to log into the account.
 */
final class VerifiedEmailLinkAuthenticator extends AbstractIdpAuthenticator {

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        String existing = context.getAuthenticationSession().getAuthNote(EXISTING_USER_INFO);
        if (existing == null) {
            context.attempted();
            return;
        }
        ExistingUserInfo duplicate = ExistingUserInfo.deserialize(existing);
        UserModel account = context.getSession().users().getUserById(context.getRealm(), duplicate.getExistingUserId());
        if (account != null && account.isEnabled() && LinkRule.linksSilently(
                Boolean.TRUE.equals(brokerContext.getIdpConfig().isTrustEmail()),
                LinkRule.emailVerifiedClaim(AbstractClaimMapper.getClaimValue(brokerContext, "email_verified")),
                brokerContext.getEmail(),
                UserModel.EMAIL.equals(duplicate.getDuplicateAttributeName()),
                account.getEmail(), account.isEmailVerified(), account.getServiceAccountClientLink() != null)) {
            context.setUser(account);
            context.success();
            return;
        }
        context.attempted();
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                              BrokeredIdentityContext brokerContext) {
        authenticateImpl(context, serializedCtx, brokerContext);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return false;
    }
}
