package org.inferenceauth.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.keycloak.credential.ApiKeySecretData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiKeyHasherTest {

    @Test
    @DisplayName("the digest matches its key only, and never contains it")
    void digestMatchesOnlyItsKey() {
        String key = ApiKeyFormat.defaultFormat().generate().token();
        ApiKeySecretData digest = ApiKeyHasher.digest(key);

        assertThat(digest.algorithm()).isEqualTo("SHA-256");
        assertThat(digest.hash()).hasSize(43).doesNotContain(key.substring(15, 47));
        assertThat(ApiKeyHasher.matches(key, digest)).isTrue();
        assertThat(ApiKeyHasher.matches(ApiKeyFormat.defaultFormat().generate().token(), digest)).isFalse();
        assertThat(ApiKeyHasher.matches(key + "x", digest)).isFalse();
    }

    @Test
    @DisplayName("a known vector: SHA-256 of the UTF-8 key, base64url without padding")
    void knownVector() {
        assertThat(ApiKeyHasher.digest("abc").hash()).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    @Test
    @DisplayName("missing, foreign-algorithm or corrupt stored digests never match")
    void brokenStoredData() {
        String key = ApiKeyFormat.defaultFormat().generate().token();
        String hash = ApiKeyHasher.digest(key).hash();
        assertThat(ApiKeyHasher.matches(key, null)).isFalse();
        assertThat(ApiKeyHasher.matches(key, new ApiKeySecretData("MD5", hash))).isFalse();
        assertThat(ApiKeyHasher.matches(key, new ApiKeySecretData("SHA-256", null))).isFalse();
        assertThat(ApiKeyHasher.matches(key, new ApiKeySecretData("SHA-256", "***not base64***"))).isFalse();
    }

    @Test
    @DisplayName("toString never prints the digest")
    void toStringHidesDigest() {
        ApiKeySecretData digest = ApiKeyHasher.digest("k");
        assertThat(digest.toString()).doesNotContain(digest.hash());
    }
}
