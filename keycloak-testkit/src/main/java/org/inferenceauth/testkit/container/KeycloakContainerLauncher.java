package org.inferenceauth.testkit.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.inferenceauth.testkit.KeycloakLauncher;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Runs the server in a container ({@code dasniko/testcontainers-keycloak}) of an image built from
 * the distribution ({@link KeycloakImage}), on the host's network with the distribution's
 * {@code data/} mounted: the same command line, environment, ports and data as the child process.
 *
 * <p>Needs a Docker-compatible engine that Testcontainers finds ({@code DOCKER_HOST}); Ryuk, the
 * reaper, is an image from a registry, so with {@code TESTCONTAINERS_RYUK_DISABLED=true} the
 * harness stops its containers itself ({@code KeycloakServer}'s shutdown hook, and
 * Testcontainers' own at JVM exit).
 */
public final class KeycloakContainerLauncher implements KeycloakLauncher {

    private static final String ID_FILE = "keycloak.container";
    private static final int STOP_TIMEOUT_SECONDS = 30;

    private String image;

    public KeycloakContainerLauncher() {
        try {
            Class.forName("dasniko.testcontainers.keycloak.ExtendableKeycloakContainer");
        } catch (ClassNotFoundException e) {
            // The testkit declares it optional: a caller that wants the container mode declares it.
            throw new IllegalStateException("Keycloak in a container needs com.github.dasniko:testcontainers-keycloak"
                    + " on the test class path (integration-tests declares it)", e);
        }
    }

    @Override
    public synchronized Running launch(Launch launch) throws IOException {
        if (image == null) {
            image = KeycloakImage.build(launch.distribution()); // once: a restart reuses it
        }
        HostNetworkKeycloakContainer container = new HostNetworkKeycloakContainer(image,
                launch.distribution().resolve("data"), launch.environment())
                .withAdminUsername(launch.adminUsername())
                .withAdminPassword(launch.adminPassword());
        if (!launch.devMode()) {
            container.withProductionMode();
        }
        List<String> options = new ArrayList<>(launch.startOptions());
        options.addAll(launch.options());
        options.forEach(container::withCustomCommand); // one argument each, as kc.sh gets them
        OutputStream log = Files.newOutputStream(launch.logFile(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        container.withLogConsumer(frame -> append(log, frame));
        container.start();
        Files.writeString(launch.distribution().resolve(ID_FILE), container.getContainerId());
        return new ContainerRun(container, log);
    }

    /** A container of a run that was killed (e.g. SIGKILL of the JVM) would hold the data dir. */
    @Override
    public void killStale(Path distribution) {
        Path idFile = distribution.resolve(ID_FILE);
        try {
            if (Files.exists(idFile)) {
                String id = Files.readString(idFile).trim();
                try {
                    DockerClientFactory.instance().client().removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException gone) {
                    // already removed
                }
                Files.delete(idFile);
            }
        } catch (IOException e) {
            // nothing to clean up
        }
    }

    @Override
    public synchronized void close() {
        if (image != null) {
            KeycloakImage.remove(image);
            image = null;
        }
    }

    @Override
    public String toString() {
        return image == null ? "a container" : "a container of " + image;
    }

    private static void append(OutputStream log, OutputFrame frame) {
        byte[] bytes = frame.getBytes();
        if (bytes == null) {
            return;
        }
        try {
            synchronized (log) {
                log.write(bytes);
                log.flush(); // tests read the log while the server runs
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record ContainerRun(HostNetworkKeycloakContainer container, OutputStream log) implements Running {

        @Override
        public boolean isAlive() {
            return container.isRunning();
        }

        @Override
        public String exitDescription() {
            try {
                InspectContainerResponse.ContainerState state = container.getCurrentContainerInfo().getState();
                return Boolean.TRUE.equals(state.getRunning()) ? "still running" : "exited with " + state.getExitCodeLong();
            } catch (RuntimeException gone) {
                return "is gone (" + gone.getMessage() + ")";
            }
        }

        @Override
        public void kill() {
            String id = container.getContainerId();
            if (id != null) {
                try {
                    container.getDockerClient().killContainerCmd(id).exec();
                } catch (RuntimeException alreadyStopped) {
                    // removed below either way
                }
            }
            stop();
        }

        /** TERM first, as for the child process (Testcontainers' own stop kills at once). */
        @Override
        public void stop() {
            String id = container.getContainerId();
            if (id == null) {
                return;
            }
            DockerClient docker = container.getDockerClient();
            try {
                docker.stopContainerCmd(id).withTimeout(STOP_TIMEOUT_SECONDS).exec();
            } catch (RuntimeException alreadyStopped) {
                // stop removes it below either way
            }
            container.stop();
            try {
                log.close();
            } catch (IOException ignored) {
                // the log is complete as far as it was written
            }
        }
    }
}
