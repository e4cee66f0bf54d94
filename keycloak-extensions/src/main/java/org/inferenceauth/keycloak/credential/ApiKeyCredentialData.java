package org.inferenceauth.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The public half of a key, stored as the credential's {@code credentialData}. The admin console's
 * "Show data" dialog renders it verbatim, so nothing here may be secret.
 *
 * @param keyId     public lookup id, also the credential's id
 * @param project   {@code personal} or the name of a project group
 * @param scopes    e.g. {@code model:llama-3}; empty = every model
 * @param expiresAt epoch seconds, or {@code null} for a key that does not expire
 * @param createdBy client id through which the key was minted
 * @param limits    the owner's caps on this key by field name (e.g. {@code requests_per_minute}), or
 *                  {@code null}: none (and keys minted before caps existed, whose data has no such member)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyCredentialData(
        @JsonProperty("keyId") String keyId,
        @JsonProperty("project") String project,
        @JsonProperty("scopes") List<String> scopes,
        @JsonProperty("expiresAt") Long expiresAt,
        @JsonProperty("createdBy") String createdBy,
        @JsonProperty("limits") Map<String, Long> limits) {

    public ApiKeyCredentialData {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        limits = limits == null || limits.isEmpty() ? null : Map.copyOf(limits);
    }

    /** A key without caps. */
    public ApiKeyCredentialData(String keyId, String project, List<String> scopes, Long expiresAt, String createdBy) {
        this(keyId, project, scopes, expiresAt, createdBy, null);
    }

    /** Whether the key has expired at {@code nowSeconds}. */
    public boolean isExpiredAt(long nowSeconds) {
        return expiresAt != null && expiresAt <= nowSeconds;
    }
}
