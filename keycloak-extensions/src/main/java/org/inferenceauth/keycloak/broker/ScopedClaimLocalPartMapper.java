package org.inferenceauth.keycloak.broker;

import java.util.List;
import java.util.Optional;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Stores the local part of a scoped claim in a user attribute when the claim has the configured
 * scope: the ACCESS username {@code jdoe} from {@code eppn=jdoe@access-ci.org}. Absent otherwise
 * (and removed at the next login when the claim no longer has the scope, under sync mode force).
 */
public final class ScopedClaimLocalPartMapper extends BrokerMapper {

    public static final String PROVIDER_ID = "inference-scoped-claim-local-part";
    static final String CLAIM = "claim";
    static final String SCOPE = "scope";
    static final String USER_ATTRIBUTE = "user.attribute";

    private static final List<ProviderConfigProperty> CONFIG = List.of(
            property(CLAIM, "Claim", "The scoped claim, e.g. eppn."),
            property(SCOPE, "Scope", "The scope after the @, e.g. access-ci.org."),
            property(USER_ATTRIBUTE, "User attribute", "Where the local part goes, e.g. access_username."));

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, IdentityProviderMapperModel mapperModel,
                                            BrokeredIdentityContext context) {
        localPart(mapperModel, context).ifPresent(value -> context.setUserAttribute(attribute(mapperModel), value));
    }

    @Override
    public void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user, IdentityProviderMapperModel mapperModel,
                                   BrokeredIdentityContext context) {
        Optional<String> value = localPart(mapperModel, context);
        if (value.isPresent()) {
            user.setSingleAttribute(attribute(mapperModel), value.get());
        } else {
            user.removeAttribute(attribute(mapperModel));
        }
    }

    private static Optional<String> localPart(IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
        Object claim = AbstractClaimMapper.getClaimValue(context, mapperModel.getConfig().get(CLAIM));
        return claim == null ? Optional.empty() : ScopedName.localPart(claim.toString(), mapperModel.getConfig().get(SCOPE));
    }

    private static String attribute(IdentityProviderMapperModel mapperModel) {
        return mapperModel.getConfig().get(USER_ATTRIBUTE);
    }

    private static ProviderConfigProperty property(String name, String label, String help) {
        ProviderConfigProperty property = new ProviderConfigProperty();
        property.setName(name);
        property.setLabel(label);
        property.setHelpText(help);
        property.setType(ProviderConfigProperty.STRING_TYPE);
        return property;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayCategory() {
        return "Attribute Importer";
    }

    @Override
    public String getDisplayType() {
        return "Local part of a scoped claim (inference)";
    }

    @Override
    public String getHelpText() {
        return "Stores jdoe of a claim jdoe@<scope> in a user attribute, e.g. the ACCESS username from the eppn.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }
}
