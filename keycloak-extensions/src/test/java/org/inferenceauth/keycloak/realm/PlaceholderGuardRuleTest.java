package org.inferenceauth.keycloak.realm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The import guard's rule: what --import-realm left unresolved")
class PlaceholderGuardRuleTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "${CILOGON_CLIENT_ID}                                     | CILOGON_CLIENT_ID",
            "${CILOGON_AUTHORIZATION_URL:https://cilogon.org/authorize}?idphint=x | CILOGON_AUTHORIZATION_URL",
            "https://host/${OPEN_WEBUI_URL}/cb                         | OPEN_WEBUI_URL",
            "${vault.cilogon_secret} and ${LATER}                      | LATER",
            "https://unset.invalid/OPEN_WEBUI_REDIRECT_URI             | OPEN_WEBUI_REDIRECT_URI",
            "https://unset.invalid/OPEN_WEBUI_URL/*                    | OPEN_WEBUI_URL"
    })
    @DisplayName("given a literal placeholder, or a URI variable's inert default, left by the import, then its variable is named")
    void unresolved(String value, String variable) {
        assertThat(Placeholders.unresolvedVariable(value.trim())).hasValue(variable);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"https://cilogon.org/authorize?idphint=https%3A%2F%2Faccess-ci.org%2Fidp", "${vault.cilogon_secret}",
            "cilogon:/client_id/abc", "$notAPlaceholder", "${unclosed", "https://chat.example.edu/oauth/oidc/callback",
            "https://unset.invalid.example.edu/X"})
    @DisplayName("given a resolved value, a vault reference or no placeholder, then nothing is reported")
    void resolved(String value) {
        assertThat(Placeholders.unresolvedVariable(value)).isEmpty();
    }

    @Test
    @DisplayName("given a provider with an unset client id and secret, then the reason names the first variable by key, never a value")
    void providerWithPlaceholders() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("clientSecret", "${CILOGON_CLIENT_SECRET}");
        config.put("clientId", "${CILOGON_CLIENT_ID}");
        config.put("issuer", "https://cilogon.org");

        assertThat(PlaceholderGuard.problem(config)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("clientId still holds ${CILOGON_CLIENT_ID}: set CILOGON_CLIENT_ID in Keycloak's environment")
                .doesNotContain("cilogon.org"));
    }

    @Test
    @DisplayName("given a provider whose client id is empty (an empty variable), then it is reported too")
    void emptyClientId() {
        assertThat(PlaceholderGuard.problem(Map.of("clientId", " ", "clientSecret", "s3cret")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("clientId is empty").doesNotContain("s3cret"));
    }

    @Test
    @DisplayName("given a provider whose client secret is empty, then it is reported, unless it authenticates otherwise")
    void emptyClientSecret() {
        assertThat(PlaceholderGuard.problem(Map.of("clientId", "cilogon:/client_id/abc", "clientSecret", "")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("clientSecret is empty"));
        assertThat(PlaceholderGuard.problem(Map.of("clientId", "cilogon:/client_id/abc", "clientSecret", "",
                "clientAuthMethod", "private_key_jwt"))).isEmpty();
    }

    @Test
    @DisplayName("given a fully resolved provider, or one whose secret is a vault reference, then it stays enabled")
    void resolvedProvider() {
        assertThat(PlaceholderGuard.problem(Map.of("clientId", "cilogon:/client_id/abc", "clientSecret", "s3cret",
                "authorizationUrl", "https://cilogon.org/authorize?idphint=https%3A%2F%2Faccess-ci.org%2Fidp"))).isEmpty();
        assertThat(PlaceholderGuard.problem(Map.of("clientId", "cilogon:/client_id/abc", "clientSecret", "${vault.cilogon}")))
                .isEmpty();
    }
}
