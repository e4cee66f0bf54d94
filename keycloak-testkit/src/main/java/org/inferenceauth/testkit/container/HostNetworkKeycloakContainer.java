package org.inferenceauth.testkit.container;

import dasniko.testcontainers.keycloak.ExtendableKeycloakContainer;
import java.util.ArrayList;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * dasniko's Keycloak container on the host's network: Keycloak listens on the loopback ports the
 * harness chose, exactly as the child process does, so PostgreSQL on 127.0.0.1:5432, the simulated
 * CILogon realm's URLs and every test's {@code localhost} URL work unchanged (rootful podman allows
 * it). Without port mapping, each "mapped" port is the port itself.
 */
final class HostNetworkKeycloakContainer extends ExtendableKeycloakContainer<HostNetworkKeycloakContainer> {

    private static final String DATA = "/opt/keycloak/data";

    private final String heapOptions;

    HostNetworkKeycloakContainer(String image, java.nio.file.Path dataDir, Map<String, String> environment) {
        super(image);
        setExposedPorts(new ArrayList<>());
        setLogConsumers(new ArrayList<>()); // the log goes to the harness's log file, not to the test output
        withNetworkMode("host");
        // The distribution's data/ (realm imports, H2 files) stays on the host: tests read the live H2
        // database there, and a restart (a new container) finds the data of the previous one.
        withFileSystemBind(dataDir.toAbsolutePath().toString(), DATA, BindMode.READ_WRITE);
        withEnv(environment);
        this.heapOptions = environment.get("JAVA_OPTS_KC_HEAP");
        // The harness waits for /health/ready itself and notices at once if the server dies.
        waitingFor(new AbstractWaitStrategy() {
            @Override
            protected void waitUntilReady() {}
        });
        // As the child process in start-dev: no theme caching (dasniko turns it on by default).
        withDisabledCaching();
    }

    @Override
    protected void configure() {
        super.configure();
        if (heapOptions != null) {
            withEnv("JAVA_OPTS_KC_HEAP", heapOptions); // dasniko sets a share of the host's RAM instead
        }
    }

    @Override
    public Integer getMappedPort(int originalPort) {
        return originalPort;
    }

    @Override
    public String getHost() {
        return "localhost";
    }
}
