package org.inferenceauth.gateway.auth;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.inferenceauth.gateway.limit.policy.DeliveredLimits;

/**
 * Who is calling, as established by an API key introspection or a verified JWT.
 *
 * @param subject   Keycloak user id ({@code sub})
 * @param username  {@code preferred_username} / {@code username}; {@code service-account-<client>} for client credentials
 * @param project   the key's project; for a JWT, that of the key it was obtained with ({@code api_key_project}), else {@code null}
 * @param keyId     the API key's public id; for a JWT, the key it was exchanged for ({@code api_key_id}), else {@code null}
 * @param clientId  the OAuth client the credential was issued to ({@code azp} / {@code client_id})
 * @param scopes    granted scopes; {@code model:<id>} entries restrict the models
 * @param issuedAt  when the credential was issued, if known (compared with revocations)
 * @param expiresAt when the credential stops being valid, or {@code null} if it never expires
 * @param channel   whether a person is using the web UI or a program the API
 * @param limits    the limits Keycloak delivered with the credential; {@code null} when it delivered
 *                  none (an older Keycloak, a token without the claim): the gateway's defaults apply
 */
public record Identity(Kind kind, String subject, String username, String project, String keyId, String clientId,
                       Set<String> scopes, Instant issuedAt, Instant expiresAt, Channel channel, DeliveredLimits limits) {

    private static final String MODEL_SCOPE = "model:";

    /**
     * {@code LEGACY_KEY}: a shared static key of the open API before its sunset (no person, no
     * subject); {@code NONE}: nobody authenticated, let through by migration settings (audit mode, a
     * legacy subnet).
     */
    public enum Kind { API_KEY, JWT, LEGACY_KEY, NONE }

    /**
     * How the caller reaches the inference API: {@code ui} for a user token of a configured web-UI
     * client, {@code api} for everything else (API keys, tokens obtained with a key, service accounts).
     */
    public enum Channel {
        API, UI;

        /** As logs and metric labels name it. */
        public String label() {
            return this == UI ? "ui" : "api";
        }
    }

    public Identity {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        channel = channel == null ? Channel.API : channel;
    }

    /** An identity without delivered limits. */
    public Identity(Kind kind, String subject, String username, String project, String keyId, String clientId,
                    Set<String> scopes, Instant issuedAt, Instant expiresAt, Channel channel) {
        this(kind, subject, username, project, keyId, clientId, scopes, issuedAt, expiresAt, channel, null);
    }

    /** An identity of the {@code api} channel, without delivered limits. */
    public Identity(Kind kind, String subject, String username, String project, String keyId, String clientId,
                    Set<String> scopes, Instant issuedAt, Instant expiresAt) {
        this(kind, subject, username, project, keyId, clientId, scopes, issuedAt, expiresAt, Channel.API);
    }

    /** Models this identity is limited to; empty means every model. */
    public Set<String> allowedModels() {
        return scopes.stream().filter(Identity::isModelScope)
                .map(s -> s.substring(MODEL_SCOPE.length())).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a {@code model:} scope limits this identity to some models (checked on every request: no copies). */
    public boolean restrictsModels() {
        for (String scope : scopes) {
            if (isModelScope(scope)) {
                return true;
            }
        }
        return false;
    }

    public boolean mayUseModel(String model) {
        boolean restricted = false;
        for (String scope : scopes) {
            if (isModelScope(scope)) {
                if (scope.length() == MODEL_SCOPE.length() + model.length() && scope.endsWith(model)) {
                    return true;
                }
                restricted = true;
            }
        }
        return !restricted;
    }

    private static boolean isModelScope(String scope) {
        return scope.startsWith(MODEL_SCOPE) && scope.length() > MODEL_SCOPE.length();
    }

    /** The credential kind as metrics and logs name it: {@code api_key}, {@code jwt}, {@code legacy_key} or {@code none}. */
    public String method() {
        return switch (kind) {
            case JWT -> "jwt";
            case API_KEY -> "api_key";
            case LEGACY_KEY -> "legacy_key";
            case NONE -> "none";
        };
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
