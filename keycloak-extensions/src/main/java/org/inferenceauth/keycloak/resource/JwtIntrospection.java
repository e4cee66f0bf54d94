package org.inferenceauth.keycloak.resource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.inferenceauth.keycloak.limits.DeliveredLimits;
import org.inferenceauth.keycloak.limits.LimitResolver;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.Urls;
import org.keycloak.util.TokenUtil;

/**
 * Lets a gateway send whatever bearer credential it got to one endpoint: a Keycloak access token
 * of this realm is answered too. Active means: signature by a realm key, issuer of this realm,
 * type Bearer, not expired, not before the realm's or the client's not-before, client and owner
 * present and enabled, the owner holding the role the inference API needs, not revoked (RFC 7009),
 * when the token names a session, that session still exists, and when it names an API key (a
 * token of the key exchange, which has no session), that key is still active.
 */
final class JwtIntrospection {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeyService keys;

    JwtIntrospection(KeycloakSession session, RealmModel realm, ApiKeyService keys) {
        this.session = session;
        this.realm = realm;
        this.keys = keys;
    }

    /** Whether the credential has the shape of a JWS (three base64url parts). */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2 && !token.contains(" ");
    }

    Optional<Map<String, Object>> introspect(String jwt) {
        AccessToken token = session.tokens().decode(jwt, AccessToken.class);
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        if (token == null || !token.isActive() || !issuer.equals(token.getIssuer())
                || !TokenUtil.TOKEN_TYPE_BEARER.equalsIgnoreCase(token.getType())
                || (token.getIat() != null && token.getIat() < realm.getNotBefore())) {
            return Optional.empty();
        }
        UserModel user = token.getSubject() == null ? null : session.users().getUserById(realm, token.getSubject());
        // A token obtained with an API key ends with the key (see the grant's claim).
        Object keyClaim = token.getOtherClaims().get(ApiKeyService.TOKEN_KEY_ID_CLAIM);
        Optional<ValidatedKey> key = keyClaim instanceof String id ? keys.findActive(id) : Optional.empty();
        if (user == null || !user.isEnabled() || !keys.settings().mayUseApi(realm, user) || !sessionAlive(token)
                || (keyClaim != null && key.isEmpty()) || revoked(token) || !clientEnabled(token)) {
            return Optional.empty();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("active", true);
        json.put("sub", user.getId());
        json.put("username", user.getUsername());
        if (user.getEmail() != null) {
            json.put("email", user.getEmail());
        }
        json.put("scope", token.getScope() == null ? "" : token.getScope());
        json.put("exp", token.getExp());
        json.put("iat", token.getIat());
        json.put("client_id", token.getIssuedFor());
        if (token.getAudience() != null) {
            json.put("aud", token.getAudience());
        }
        json.put("token_type", "Bearer");
        json.put("limits", limits(key, user).toJson());
        return Optional.of(json);
    }

    /**
     * Resolved now, not read from the token's claim: a changed limit applies at the next
     * introspection, and tokens without the claim (a client without the scope) get limits too.
     */
    private DeliveredLimits limits(Optional<ValidatedKey> key, UserModel user) {
        LimitResolver resolver = new LimitResolver(session);
        return key.map(k -> resolver.forKey(realm, k.user(), k.project(), k.limits()))
                .orElseGet(() -> resolver.forPerson(realm, user));
    }

    /** Revoked at the realm's revocation endpoint (RFC 7009): the only revocation a session-less token can see. */
    private boolean revoked(AccessToken token) {
        return token.getId() != null && session.singleUseObjects().contains(token.getId() + SingleUseObjectProvider.REVOKED_KEY);
    }

    /** A disabled or deleted client's tokens stop counting, as Keycloak's own introspection has it. */
    private boolean clientEnabled(AccessToken token) {
        ClientModel client = token.getIssuedFor() == null ? null : realm.getClientByClientId(token.getIssuedFor());
        return client != null && client.isEnabled() && (token.getIat() == null || token.getIat() >= client.getNotBefore());
    }

    private boolean sessionAlive(AccessToken token) {
        String sid = token.getSessionId();
        return sid == null || session.sessions().getUserSession(realm, sid) != null
                || session.sessions().getOfflineUserSession(realm, sid) != null;
    }
}
