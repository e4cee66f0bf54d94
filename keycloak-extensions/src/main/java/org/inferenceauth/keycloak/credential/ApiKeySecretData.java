package org.inferenceauth.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The secret half of a key, stored as the credential's {@code secretData}: only a digest of the key,
 * never the key. Keycloak never sends {@code secretData} to any console.
 *
 * @param algorithm the digest algorithm, kept so that a later version can migrate
 * @param hash      base64url digest of the whole key string
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiKeySecretData(@JsonProperty("algorithm") String algorithm, @JsonProperty("hash") String hash) {

    @Override
    public String toString() { // keep even the digest out of accidental logs
        return "ApiKeySecretData[algorithm=" + algorithm + "]";
    }
}
