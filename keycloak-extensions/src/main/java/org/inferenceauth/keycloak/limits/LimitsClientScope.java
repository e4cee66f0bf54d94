package org.inferenceauth.keycloak.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;

/**
 * The realm default client scope {@value #NAME} that carries {@link LimitsProtocolMapper}, so every
 * client's access tokens name the caller's limits. A realm asks for it with
 * {@code inference.limits.clientScope=true} (the shipped realm does); it is created when such a realm
 * is created (realm import, admin REST) or, for a realm that exists already, at the next start.
 * <p>Why not in the realm file: a realm file that lists any client scope replaces all of Keycloak's
 * built-in ones (profile, email, roles, basic, …), and Keycloak's own clients (account console,
 * admin console) would then get none of them.
 * <p>Created once: when it exists, nothing is changed, so an operator may edit it, take it from a
 * client, or delete it and set the attribute to {@code false}.
 */
final class LimitsClientScope {

    static final String NAME = "inference-limits";
    static final String MAPPER_NAME = "inference limits";

    private static final Logger LOG = Logger.getLogger(LimitsClientScope.class);

    private LimitsClientScope() {}

    /** Creates the scope in new realms and, after each start's migration and import, in existing ones that ask for it. */
    static void register(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                ensure(created.getCreatedRealm());
            } else if (event instanceof PostMigrationEvent migrated) {
                ensureInExistingRealms(migrated.getFactory());
            }
        });
    }

    /** One transaction per realm; a failure (e.g. another node creating the scope at the same moment) never stops the start. */
    private static void ensureInExistingRealms(KeycloakSessionFactory factory) {
        List<String> realmIds = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(factory,
                session -> session.realms().getRealmsStream().map(RealmModel::getId).forEach(realmIds::add));
        for (String realmId : realmIds) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealm(realmId);
                    if (realm != null) {
                        ensure(realm);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("Realm %s: could not create the client scope %s (%s); tokens carry no %s claim until it exists",
                        realmId, NAME, e.toString(), DeliveredLimits.CLAIM);
            }
        }
    }

    /**
     * Creates the scope as a default scope of the realm (so new clients get it) and of every existing
     * OpenID Connect client, if the realm asks for it and has none of that name.
     */
    static void ensure(RealmModel realm) {
        if (!LimitSettings.of(realm).clientScope()
                || realm.getClientScopesStream().anyMatch(scope -> NAME.equals(scope.getName()))) {
            return;
        }
        ClientScopeModel scope = realm.addClientScope(NAME);
        scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        scope.setDescription("Fair-use limits of the caller (claim " + DeliveredLimits.CLAIM + "), for gateways");
        scope.setIncludeInTokenScope(false);
        scope.setDisplayOnConsentScreen(false);
        scope.setIncludeInOpenIDProviderMetadata(false);
        ProtocolMapperModel mapper = new ProtocolMapperModel();
        mapper.setName(MAPPER_NAME);
        mapper.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        mapper.setProtocolMapper(LimitsProtocolMapper.PROVIDER_ID);
        mapper.setConfig(new HashMap<>(Map.of(
                OIDCAttributeMapperHelper.INCLUDE_IN_ACCESS_TOKEN, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_INTROSPECTION, "true")));
        scope.addProtocolMapper(mapper);
        realm.addDefaultClientScope(scope, true);
        realm.getClientsStream()
                .filter(client -> OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()) || client.getProtocol() == null)
                .forEach(client -> client.addClientScope(scope, true));
        LOG.infof("Realm %s: created the default client scope %s (claim %s) and added it to the realm's clients",
                realm.getName(), NAME, DeliveredLimits.CLAIM);
    }
}
