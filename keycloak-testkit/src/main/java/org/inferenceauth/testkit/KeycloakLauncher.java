package org.inferenceauth.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a {@link KeycloakServer} runs {@code kc.sh}: as a child process (the default) or in a
 * container ({@link org.inferenceauth.testkit.container.KeycloakContainerLauncher}). Either way the
 * server gets the same command line, environment and data folder, and is reached on the same
 * loopback ports, so tests cannot tell them apart.
 */
public interface KeycloakLauncher {

    /** Starts the server and returns at once; {@link KeycloakServer} waits for it to be ready. */
    Running launch(Launch launch) throws IOException;

    /** Stops what a run that died without cleaning up left behind on {@code distribution}. */
    default void killStale(Path distribution) {}

    /** Removes what the launches shared (e.g. an image), once the server has stopped for good. */
    default void close() {}

    /**
     * What to run.
     *
     * @param devMode        {@code start-dev} (embedded H2) rather than {@code start}
     * @param startOptions   options only the production {@code start} takes
     * @param options        every other option, {@code --import-realm} excepted (always given)
     * @param environment    the server's environment, admin credentials included
     */
    record Launch(Path distribution, boolean devMode, List<String> startOptions, List<String> options,
                  Map<String, String> environment, Path logFile, String adminUsername, String adminPassword) {}

    /** A started server. */
    interface Running {
        boolean isAlive();

        /** Why it is no longer alive, e.g. {@code exited with 1}. */
        String exitDescription();

        /** Stops it gracefully (TERM), forcibly after a grace period; a no-op once stopped. */
        void stop();

        /** Ends it as a crash does (KILL, no shutdown, no leaving the cluster) and waits until it is gone. */
        void kill();
    }
}
