package org.inferenceauth.testkit.container;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image the container mode runs: a JRE base with the unpacked Keycloak distribution, whose
 * {@code providers/} already hold our jars ({@code KeycloakServer} copies them there before the
 * first start). Built here at test time, because no registry is reachable from our machines, and
 * removed when the server is closed (or by Testcontainers at JVM exit).
 */
final class KeycloakImage {

    /** The local JRE 17 base (docker/base/build-local-base.sh); another with a JRE 17+ may be named. */
    static final String BASE_PROPERTY = "keycloak.container.base";
    static final String DEFAULT_BASE = "localhost/debian-jre17:bookworm";

    private static final String HOME = "/opt/keycloak";

    private KeycloakImage() {}

    /** Builds the image from {@code distribution} and returns its name. */
    static String build(Path distribution) {
        String base = System.getProperty(BASE_PROPERTY, DEFAULT_BASE);
        String name = "localhost/inference-auth-keycloak-test:" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        Instant began = Instant.now();
        new ImageFromDockerfile(name, true)
                .withFileFromPath("keycloak", distribution)
                .withDockerfileFromBuilder(dockerfile -> dockerfile
                        .from(base)
                        .copy("keycloak", HOME)
                        .workDir(HOME)
                        // Exec form (a JSON array): the shell form would drop the container's arguments.
                        .entryPoint(new String[] {HOME + "/bin/kc.sh"})
                        .build())
                .get();
        // One line per run for the CI log: what building the image cost.
        System.out.printf("Keycloak image %s built from %s on %s in %.1f s%n", name, distribution, base,
                Duration.between(began, Instant.now()).toMillis() / 1000.0);
        return name;
    }

    /** Removes the image; Testcontainers would at JVM exit, but can race the container's removal then. */
    static void remove(String name) {
        try {
            DockerClientFactory.instance().client().removeImageCmd(name).withForce(true).exec();
        } catch (RuntimeException e) {
            System.out.printf("Keycloak image %s not removed: %s%n", name, e.getMessage());
        }
    }
}
