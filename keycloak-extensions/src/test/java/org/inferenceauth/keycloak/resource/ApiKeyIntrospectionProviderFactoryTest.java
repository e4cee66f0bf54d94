package org.inferenceauth.keycloak.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;

class ApiKeyIntrospectionProviderFactoryTest {

    @Test
    @DisplayName("Keycloak finds a provider for token_type_hint=api_key, beside its own and shadowing none of them")
    void registeredBesideKeycloaksOwn() {
        List<String> ids = ServiceLoader.load(TokenIntrospectionProviderFactory.class).stream()
                .map(factory -> factory.get().getId()).toList();

        assertThat(ids).contains(ApiKeyIntrospectionProviderFactory.PROVIDER_ID)
                .as("Keycloak's own providers, on the classpath, stay where the hint sends them")
                .contains("access_token", "refresh_token")
                .doesNotHaveDuplicates();
        assertThat(ApiKeyIntrospectionProviderFactory.PROVIDER_ID).isEqualTo("api_key");
    }
}
