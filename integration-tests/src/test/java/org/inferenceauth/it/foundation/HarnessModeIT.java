package org.inferenceauth.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.info.SystemInfoRepresentation;

/**
 * The suite runs against the Keycloak the build asked for: a child process of the distribution
 * (default) or a container of an image built from it ({@code -Dkeycloak.container=true}), so a
 * container run that quietly fell back to the child process would fail here.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The shared Keycloak runs where the build asked for it")
class HarnessModeIT {

    @Test
    @DisplayName("a container with -Dkeycloak.container=true (the image's /opt/keycloak), else the distribution itself")
    void runsWhereAsked(KeycloakServer keycloak) {
        boolean container = Boolean.getBoolean("keycloak.container");
        SystemInfoRepresentation system = keycloak.getKeycloakAdminClient().serverInfo().getInfo().getSystemInfo();
        System.out.printf("Keycloak runs as %s, in %s, on Java %s%n", keycloak.describeLauncher(), system.getUserDir(),
                system.getJavaVersion());

        assertThat(keycloak.inContainer()).isEqualTo(container);
        if (container) {
            assertThat(system.getUserDir()).isEqualTo("/opt/keycloak");
            assertThat(ProcessHandle.current().descendants())
                    .as("no Keycloak child process of the test JVM")
                    .noneMatch(p -> p.info().commandLine().orElse("").contains("kc.sh"));
        } else {
            assertThat(Path.of(system.getUserDir())).isEqualTo(KeycloakExtension.distribution().toAbsolutePath());
        }
    }

    @Test
    @DisplayName("the server's output lands in the log file either way")
    void logFile(KeycloakServer keycloak) throws Exception {
        assertThat(Files.readString(keycloak.getLogFile())).contains("Keycloak " + System.getProperty("keycloak.version", ""));
    }
}
