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

    static String basic(String pair) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("service credentials: Basic (split at the first colon) or the X-Client-Id/-Secret pair, only when enabled")
    void serviceCredentials() {
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:se:cret")), true))
                .isEqualTo(new CredentialExtractor.Found.Service(new ServiceCredential("svc", "se:cret", true)));
        assertThat(CredentialExtractor.find(headers("X-Client-Id", "svc", "X-Client-Secret", "secret"), true))
                .isEqualTo(new CredentialExtractor.Found.Service(new ServiceCredential("svc", "secret", false)));
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:secret")), false))
                .isInstanceOf(CredentialExtractor.Found.None.class);
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:secret"), "x-api-key", "k"), false))
                .isEqualTo(new CredentialExtractor.Found.One("k"));
    }

    @Test
    @DisplayName("service credentials with a key, or two different pairs, are ambiguous; half a pair is malformed")
    void serviceCredentialsAmbiguousOrMalformed() {
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:secret"), "x-api-key", "k"), true))
                .isInstanceOf(CredentialExtractor.Found.Ambiguous.class);
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:secret"),
                "x-client-id", "other", "x-client-secret", "secret"), true))
                .isInstanceOf(CredentialExtractor.Found.Ambiguous.class);
        assertThat(CredentialExtractor.find(headers("authorization", basic("svc:secret"),
                "x-client-id", "svc", "x-client-secret", "secret"), true))
                .isInstanceOf(CredentialExtractor.Found.Service.class);
        assertThat(CredentialExtractor.find(headers("x-client-secret", "secret"), true))
                .isInstanceOf(CredentialExtractor.Found.Malformed.class);
        assertThat(CredentialExtractor.find(headers("authorization", "Basic %%%"), true))
                .isInstanceOf(CredentialExtractor.Found.Malformed.class);
    }

    @Test
    @DisplayName("a service credential never shows its secret when printed")
    void secretNotPrinted() {
        assertThat(new ServiceCredential("svc", "hunter2", true).toString()).contains("svc").doesNotContain("hunter2");
    }
}
