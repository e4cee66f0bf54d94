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
}
