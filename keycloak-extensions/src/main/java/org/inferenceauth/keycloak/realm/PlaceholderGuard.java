package org.inferenceauth.keycloak.realm;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderQuery;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * A realm never runs with a literal placeholder from its import file. At every start:
 * <ul>
 *   <li>an enabled identity provider whose configuration still holds {@code ${VAR}}, or has an empty
 *       client id or secret (what a Compose file's {@code ${VAR:-}} yields), is disabled: logging in
 *       through it could only fail, or worse, reach a provider with credentials nobody chose;</li>
 *   <li>a confidential client whose secret is a literal {@code ${VAR}} or empty gets a random secret,
 *       so that the placeholder text (public, it is in the repository) never authenticates. Failing
 *       the start was rejected: a site without a web UI must still be able to run Keycloak;</li>
 *   <li>a client URI (redirect, web origin, post-logout) left unset is reported: the client's logins
 *       fail until it is set.</li>
 * </ul>
 * Each finding is one WARN line naming realm, provider or client, and the variable, never a value.
 */
final class PlaceholderGuard {

    private static final Logger LOG = Logger.getLogger(PlaceholderGuard.class);

    private final KeycloakSession session;

    PlaceholderGuard(KeycloakSession session) {
        this.session = session;
    }

    void checkAllRealms() {
        session.realms().getRealmsStream().forEach(this::check);
    }

    void check(RealmModel realm) {
        session.getContext().setRealm(realm);
        try {
            session.identityProviders().getAllStream(IdentityProviderQuery.any())
                    .filter(IdentityProviderModel::isEnabled)
                    .forEach(provider -> problem(provider.getConfig()).ifPresent(reason -> disable(realm, provider, reason)));
            realm.getClientsStream().forEach(client -> check(realm, client));
        } finally {
            session.getContext().setRealm(null);
        }
    }

    /** Why a provider's configuration cannot work: an unresolved variable (first by key), or no client id or secret. */
    static Optional<String> problem(Map<String, String> config) {
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            Optional<String> variable = Placeholders.unresolvedVariable(entry.getValue());
            if (variable.isPresent()) {
                return Optional.of(entry.getKey() + " still holds ${" + variable.get() + "}: set " + variable.get()
                        + " in Keycloak's environment before the realm is first imported, or edit the provider in the admin console");
            }
        }
        if (blank(config, "clientId")) {
            return Optional.of("its clientId is empty (an empty variable?)");
        }
        if (blank(config, "clientSecret") && config.getOrDefault("clientAuthMethod", "client_secret_post").startsWith("client_secret")) {
            return Optional.of("its clientSecret is empty (an empty variable?)");
        }
        return Optional.empty();
    }

    private static boolean blank(Map<String, String> config, String key) {
        return config.containsKey(key) && (config.get(key) == null || config.get(key).isBlank());
    }

    private void disable(RealmModel realm, IdentityProviderModel provider, String reason) {
        provider.setEnabled(false);
        session.identityProviders().update(provider);
        LOG.warnf("Realm %s: identity provider %s disabled: %s", realm.getName(), provider.getAlias(), reason);
    }

    private void check(RealmModel realm, ClientModel client) {
        if (!client.isPublicClient() && !client.isBearerOnly()) {
            String secret = client.getSecret();
            Optional<String> variable = Placeholders.unresolvedVariable(secret);
            if (variable.isPresent() || secret != null && secret.isBlank()) {
                KeycloakModelUtils.generateSecret(client);
                LOG.warnf("Realm %s: client %s had %s as its secret; it now has a random secret that nobody knows. Set %s "
                                + "before the realm is first imported, or regenerate the secret in the admin console "
                                + "(Clients > %s > Credentials) and give it to the client",
                        realm.getName(), client.getClientId(), variable.map(v -> "the literal ${" + v + "}").orElse("an empty value"),
                        variable.orElse("the variable"), client.getClientId());
            }
        }
        Set<String> unsetUris = Stream.of(client.getRedirectUris().stream(), client.getWebOrigins().stream(),
                        Stream.ofNullable(client.getAttribute(OIDCConfigAttributes.POST_LOGOUT_REDIRECT_URIS)))
                .flatMap(s -> s).map(Placeholders::unresolvedVariable).flatMap(Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unsetUris.isEmpty()) {
            LOG.warnf("Realm %s: client %s has URIs from unset variables (%s); its logins fail until they are set "
                            + "(admin console: Clients > %s > Settings)",
                    realm.getName(), client.getClientId(), String.join(", ", unsetUris), client.getClientId());
        }
    }
}
