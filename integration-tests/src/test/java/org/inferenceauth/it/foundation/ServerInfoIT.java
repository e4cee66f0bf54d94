package org.inferenceauth.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.info.ServerInfoRepresentation;
import org.keycloak.representations.info.ThemeInfoRepresentation;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Keycloak loads our jars from providers/")
class ServerInfoIT {

    @Test
    @DisplayName("the server runs the Keycloak version we build for")
    void version(KeycloakServer keycloak) {
        ServerInfoRepresentation info = keycloak.getKeycloakAdminClient().serverInfo().getInfo();
        assertThat(info.getSystemInfo().getVersion()).isEqualTo(System.getProperty("keycloak.version", "26.7.3"));
    }

    @Test
    @DisplayName("the theme jar's 'inference' account theme is listed")
    void themeLoaded(KeycloakServer keycloak) {
        ServerInfoRepresentation info = keycloak.getKeycloakAdminClient().serverInfo().getInfo();
        assertThat(info.getThemes().get("account")).extracting(ThemeInfoRepresentation::getName).contains("inference");
    }

    @Test
    @DisplayName("the extension jar's providers are registered: credential type, REST resources, JPA entities, events, grant")
    void extensionProviders(KeycloakServer keycloak) {
        var providers = keycloak.getKeycloakAdminClient().serverInfo().getInfo().getProviders();
        assertThat(providers.get("credential").getProviders()).containsKey("project-api-key");
        assertThat(providers.get("authenticator").getProviders()).containsKey("project-api-key-marker");
        assertThat(providers.get("realm-restapi-extension").getProviders()).containsKey("api-keys");
        assertThat(providers.get("admin-realm-restapi-extension").getProviders()).containsKey("api-keys");
        assertThat(providers.get("jpa-entity-provider").getProviders())
                .containsKey("apikeys-store");
        assertThat(providers.get("eventsListener").getProviders()).containsKey("api-key-revocations");
        assertThat(providers.get("oauth2-grant-type").getProviders())
                .containsKey("urn:inference-auth:params:oauth:grant-type:api-key");
    }
}
