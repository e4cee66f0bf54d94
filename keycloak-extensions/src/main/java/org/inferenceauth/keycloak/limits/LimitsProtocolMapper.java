package org.inferenceauth.keycloak.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * Puts the identity's fair-use limits into access tokens (and Keycloak's own introspection answer)
 * as the claim {@value DeliveredLimits#CLAIM}, the same object our introspection answers, so a
 * gateway verifying tokens offline needs no extra call. For a token of the key-for-token grant the
 * key's project and caps come from the key its session names; otherwise there is no project or key.
 * Keycloak's protocol mappers are their own factories: this class is both (see META-INF/services).
 */
public final class LimitsProtocolMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "inference-limits-mapper";

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, LimitsProtocolMapper.class);
    }

    /** Also sets up the client scope that carries this mapper, in the realms that ask for it. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        LimitsClientScope.register(factory);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Inference limits";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the claim " + DeliveredLimits.CLAIM + ": the user's fair-use limits (user attribute, tier, realm"
                + " default), and for tokens obtained with an API key the key's project limits and caps.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mapping, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        if (userSession == null || userSession.getUser() == null) {
            return;
        }
        token.getOtherClaims().put(DeliveredLimits.CLAIM, limits(session, userSession).toJson());
    }

    private static DeliveredLimits limits(KeycloakSession session, UserSessionModel userSession) {
        RealmModel realm = userSession.getRealm();
        UserModel user = userSession.getUser();
        LimitResolver resolver = new LimitResolver(session);
        String keyId = userSession.getNote(ApiKeyService.SESSION_NOTE_KEY_ID);
        Optional<ValidatedKey> key = keyId == null ? Optional.empty() : new ApiKeyService(session, realm).findActive(keyId);
        return key.map(k -> resolver.forKey(realm, k.user(), k.project(), k.limits()))
                .orElseGet(() -> resolver.forPerson(realm, user));
    }
}
