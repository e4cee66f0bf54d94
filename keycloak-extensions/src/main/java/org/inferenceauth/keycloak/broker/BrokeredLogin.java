package org.inferenceauth.keycloak.broker;

import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;

/**
 * The identity an institution asserted for the login in progress, as Keycloak keeps it in the
 * authentication session: during the first-broker-login flow, or during a post-broker-login flow.
 *
 * @param identity   the brokered identity, with the validated ID token and userinfo answer
 * @param firstLogin whether no account is linked to it yet (first-broker-login flow)
 */
record BrokeredLogin(BrokeredIdentityContext identity, boolean firstLogin) {

    static Optional<BrokeredLogin> of(AuthenticationFlowContext context) {
        var authSession = context.getAuthenticationSession();
        // The post-broker-login note is set only after the first-broker-login flow has ended.
        SerializedBrokeredIdentityContext post = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
                authSession, PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT);
        if (post != null) {
            return Optional.of(new BrokeredLogin(post.deserialize(context.getSession(), authSession), false));
        }
        SerializedBrokeredIdentityContext first = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
                authSession, AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE);
        return Optional.ofNullable(first).map(s -> new BrokeredLogin(s.deserialize(context.getSession(), authSession), true));
    }

    /** A claim of the ID token or the userinfo answer (Keycloak's own lookup order), or {@code null}. */
    Object claim(String name) {
        return AbstractClaimMapper.getClaimValue(identity, name);
    }

    String alias() {
        return identity.getIdpConfig().getAlias();
    }

    String providerDisplayName() {
        String name = identity.getIdpConfig().getDisplayName();
        return name == null || name.isBlank() ? alias() : name;
    }
}
