package org.inferenceauth.keycloak.broker;

import java.util.List;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Names a new account after the person's eppn (see {@link BrokeredUsername}). Unlike Keycloak's
 * "Username Template Importer", it never renames an existing account (whatever the sync mode: the
 * name is chosen once, at the first login) and never yields an empty name when an institution
 * releases no eppn. The identity link's username (Keycloak's "broker username") becomes the
 * provider's subject.
 */
public final class BrokeredUsernameMapper extends BrokerMapper {

    public static final String PROVIDER_ID = "inference-brokered-username";

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, IdentityProviderMapperModel mapperModel,
                                            BrokeredIdentityContext context) {
        Object eppn = AbstractClaimMapper.getClaimValue(context, "eppn");
        context.setModelUsername(BrokeredUsername.of(eppn == null ? null : eppn.toString(), context.getId()));
        // The "broker username" would otherwise be the email (CILogon sends no preferred_username),
        // and Keycloak writes it into its event log and the account's link: the subject is pseudonymous.
        context.setUsername(context.getId());
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayCategory() {
        return "Preprocessor";
    }

    @Override
    public String getDisplayType() {
        return "Username from eppn (inference)";
    }

    @Override
    public String getHelpText() {
        return "A new account's username: the eppn claim, lower-cased, when usable; otherwise derived from the "
                + "provider's subject (for CILogon a URL it never reassigns). Existing accounts keep their name. "
                + "The link's username is the subject, never the email, so Keycloak's event log shows no email.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
