package org.inferenceauth.keycloak.keys;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.keycloak.realm.RealmAttributes;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Per-realm settings of project API keys, read from realm attributes prefixed {@value #PREFIX}
 * (set them in the realm import or with the admin REST API). The only place that reads them.
 * A value that does not parse falls back to its default, with a warning.
 *
 * @param keyPrefix           the key's prefix ({@code inference.apikey.prefix}, default {@code ik})
 * @param maxKeys             keys one user may hold ({@code inference.apikey.maxKeys}, 25)
 * @param maxLifetimeDays     longest allowed lifetime, 0 = unlimited ({@code inference.apikey.maxLifetimeDays}, 365);
 *                            a key minted without an expiry gets this lifetime
 * @param expiryRequired      whether the client must name an expiry ({@code inference.apikey.expiryRequired}, false)
 * @param projectsGroup       path of the group whose sub-groups are projects ({@code inference.apikey.projectsGroup}, /projects)
 * @param mintMaxAuthAge      seconds since login within which minting is allowed ({@code inference.apikey.mintMaxAuthAgeSeconds}, 600)
 * @param selfServiceClients  clients whose user tokens may use the self-service API
 *                            ({@code inference.apikey.selfServiceClients}, {@code account-console,open-webui})
 * @param feedRetention       seconds the revocation feed keeps entries ({@code inference.apikey.revocationRetentionSeconds}, 7 days)
 * @param requiredRole        realm role a user needs to use the inference API with a key or a token
 *                            ({@code inference.apikey.requiredRole}, {@code inference-user}); a realm without it
 *                            lets nobody in (fail closed)
 */
public record ApiKeySettings(String keyPrefix, int maxKeys, int maxLifetimeDays, boolean expiryRequired,
                             String projectsGroup, int mintMaxAuthAge, List<String> selfServiceClients,
                             int feedRetention, String requiredRole) {

    public static final String PREFIX = "inference.apikey.";
    /** The realm role that allows minting keys; listing and revoking one's own keys need none. */
    public static final String MINT_ROLE = "api-key-user";
    /**
     * Client attribute: {@code "true"} lets this (confidential) client exchange API keys for access
     * tokens at the token endpoint. Off unless an operator sets it.
     */
    public static final String EXCHANGE_CLIENT_ATTRIBUTE = PREFIX + "exchangeEnabled";

    private static final Logger LOG = Logger.getLogger(ApiKeySettings.class);
    /** Realms already told, once per node, that their required role is missing. */
    private static final Set<String> MISSING_ROLE_REPORTED = ConcurrentHashMap.newKeySet();

    public static ApiKeySettings of(RealmModel realm) {
        return new ApiKeySettings(
                read(realm, "prefix", "ik", v -> ApiKeyFormat.isValidPrefix(v) ? v : null),
                read(realm, "maxKeys", 25, v -> RealmAttributes.atLeast(1, Integer.parseInt(v))),
                read(realm, "maxLifetimeDays", 365, v -> RealmAttributes.atLeast(0, Integer.parseInt(v))),
                read(realm, "expiryRequired", false, ApiKeySettings::parseBoolean),
                read(realm, "projectsGroup", "/projects", v -> v.startsWith("/") ? v : null),
                read(realm, "mintMaxAuthAgeSeconds", 600, v -> RealmAttributes.atLeast(0, Integer.parseInt(v))),
                read(realm, "selfServiceClients", List.of("account-console", "open-webui"), RealmAttributes::list),
                read(realm, "revocationRetentionSeconds", 7 * 24 * 3600, v -> RealmAttributes.atLeast(60, Integer.parseInt(v))),
                read(realm, "requiredRole", "inference-user", v -> v));
    }

    public ApiKeyFormat format() {
        return ApiKeyFormat.withPrefix(keyPrefix);
    }

    private static <T> T read(RealmModel realm, String name, T fallback, Function<String, T> parse) {
        return RealmAttributes.read(realm, PREFIX + name, fallback, parse);
    }

    private static Boolean parseBoolean(String value) {
        return switch (value.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> null;
        };
    }

    /** Whether {@code user} holds the minting role (directly, through a group or a composite). */
    public static boolean mayMint(RealmModel realm, UserModel user) {
        RoleModel role = realm.getRole(MINT_ROLE);
        return role != null && user.hasRole(role);
    }

    /**
     * Whether {@code user} may use the inference API at all: holds {@link #requiredRole()} directly,
     * through a group or a composite (the default roles, unless an operator took it out of them).
     */
    public boolean mayUseApi(RealmModel realm, UserModel user) {
        RoleModel role = realm.getRole(requiredRole);
        if (role == null) { // fail closed, and say why once per realm and node
            if (MISSING_ROLE_REPORTED.add(realm.getId() + "/" + requiredRole)) {
                LOG.warnf("Realm %s has no role %s (%srequiredRole): no API key or token of this realm is active"
                        + " until the role exists and users hold it", realm.getName(), requiredRole, PREFIX);
            }
            return false;
        }
        return user.hasRole(role);
    }

    /** Whether an operator enabled this client for the key-for-token exchange; public clients never are. */
    public static boolean mayExchangeKeys(ClientModel client) {
        return !client.isPublicClient() && !client.isBearerOnly()
                && "true".equalsIgnoreCase(client.getAttribute(EXCHANGE_CLIENT_ATTRIBUTE));
    }
}
