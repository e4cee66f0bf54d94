package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Finding the credential in request headers")
class CredentialExtractorTest {

    static MultiMap headers(String... pairs) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            map.add(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @ParameterizedTest(name = "{0}: ''{1}'' gives ''{2}''")
    @CsvSource({
            "Authorization, Bearer ik_abc, ik_abc",
            "authorization, bearer   ik_abc  , ik_abc",
            "AUTHORIZATION, BEARER ik_abc, ik_abc",
            "x-api-key, ik_abc, ik_abc",
            "api-key, ik_abc, ik_abc",
            "apikey, ik_abc, ik_abc"})
    void found(String header, String value, String expected) {
        assertThat(CredentialExtractor.find(headers(header, value))).isEqualTo(new CredentialExtractor.Found.One(expected));
    }

    @Test
    @DisplayName("the same credential in several headers is one; different ones are ambiguous, in any header or repetition")
    void severalHeaders() {
        assertThat(CredentialExtractor.find(headers("x-api-key", "k", "authorization", "Bearer k")))
                .isEqualTo(new CredentialExtractor.Found.One("k"));
        assertThat(CredentialExtractor.find(headers("x-api-key", "second", "authorization", "Bearer first")))
                .isInstanceOf(CredentialExtractor.Found.Ambiguous.class);
        assertThat(CredentialExtractor.find(headers("authorization", "Bearer a", "authorization", "Bearer b")))
                .isInstanceOf(CredentialExtractor.Found.Ambiguous.class);
        assertThat(CredentialExtractor.find(headers("apikey", "a", "apikey", "b")))
                .isInstanceOf(CredentialExtractor.Found.Ambiguous.class);
    }

    @Test
    @DisplayName("a non-Bearer Authorization falls through to x-api-key")
    void basicIgnored() {
        assertThat(CredentialExtractor.find(headers("authorization", "Basic dXNlcjpwdw==", "x-api-key", "k")))
                .isEqualTo(new CredentialExtractor.Found.One("k"));
        assertThat(CredentialExtractor.find(headers("authorization", "Basic dXNlcjpwdw==")))
                .isInstanceOf(CredentialExtractor.Found.None.class);
    }

    @Test
    @DisplayName("empty or blank values are no credential")
    void blank() {
        assertThat(CredentialExtractor.find(headers("authorization", "Bearer ", "x-api-key", "  ")))
                .isInstanceOf(CredentialExtractor.Found.None.class);
        assertThat(CredentialExtractor.find(headers())).isInstanceOf(CredentialExtractor.Found.None.class);
    }

    @ParameterizedTest(name = "''{0}'' looks like a JWT: {1}")
    @CsvSource({"aaa.bbb.ccc, true", "ik_abcdef, false", "a.b, false", "a.b.c.d, false", ".b.c, false", "a..c, false",
            "a.b., false"})
    void jwtShape(String credential, boolean jwt) {
        assertThat(CredentialExtractor.looksLikeJwt(credential)).isEqualTo(jwt);
    }
}
