package org.inferenceauth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

/**
 * The real Keycloak server distribution, run as a child process (the default) or in a container
 * ({@link Builder#container(boolean)}, see {@link org.inferenceauth.testkit.container.KeycloakContainerLauncher}).
 *
 * <p>This class keeps the API of {@code dasniko/testcontainers-keycloak}'s {@code KeycloakContainer}
 * ({@link #getAuthServerUrl()}, {@link #getKeycloakAdminClient()}, admin credentials), and either
 * way the server listens on loopback ports of this machine and keeps its data in the
 * distribution's {@code data/} folder, so tests run unchanged against both.
 */
public final class KeycloakServer implements AutoCloseable {

    // Generous: a first start builds the server, and machines are shared (4 min was seen to run out,
    // and 10 min for a container's first start beside six other builds on two cores).
    private static final Duration START_TIMEOUT = Duration.ofMinutes(20);

    private final Path distribution;
    private final List<Path> providers;
    private final List<Path> realmImports;
    private final List<Path> realmOverlays;
    private final KeycloakDatabase database;
    private final Map<String, String> environment;
    private final List<String> extraOptions;
    private final Path logFile;
    private final String adminUsername;
    private final String adminPassword;
    private final Path javaHome;
    private final boolean optimized;
    private final KeycloakLauncher launcher;

    private final int httpPort;
    private final int managementPort = FreePorts.next();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread killOnExit = new Thread(this::stopOnExit, "keycloak-server-kill");

    private KeycloakLauncher.Running running;
    private boolean prepared;
    private Keycloak adminClient;
    private Duration lastStartDuration;

    private KeycloakServer(Builder builder) {
        this.distribution = Objects.requireNonNull(builder.distribution, "distribution");
        this.providers = List.copyOf(builder.providers);
        this.realmImports = List.copyOf(builder.realmImports);
        this.realmOverlays = List.copyOf(builder.realmOverlays);
        this.database = builder.database;
        this.environment = Map.copyOf(builder.environment);
        this.extraOptions = List.copyOf(builder.extraOptions);
        this.logFile = builder.logFile != null ? builder.logFile : distribution.resolve("keycloak.log");
        this.adminUsername = builder.adminUsername;
        this.adminPassword = builder.adminPassword;
        this.javaHome = builder.javaHome;
        this.optimized = builder.optimized;
        this.httpPort = builder.httpPort > 0 ? builder.httpPort : FreePorts.next();
        // Named only in container mode, so the default mode never loads Testcontainers' classes.
        this.launcher = builder.container
                ? new org.inferenceauth.testkit.container.KeycloakContainerLauncher()
                : new ChildProcessLauncher();
        if (optimized && database.devMode()) {
            throw new IllegalArgumentException("An optimized start needs a production database, not " + database);
        }
        if (!Files.isExecutable(distribution.resolve("bin/kc.sh"))) {
            throw new IllegalArgumentException("Not a Keycloak distribution (no bin/kc.sh): " + distribution);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server and waits until it reports ready. The first start installs providers and realm
     * imports into a clean distribution, then applies the realm overlays; a start after {@link #stop()}
     * keeps the data, like a restart.
     */
    public synchronized KeycloakServer start() {
        if (isRunning()) {
            return this;
        }
        Instant began = Instant.now();
        boolean firstStart = !prepared;
        if (firstStart) {
            prepare();
            prepared = true;
        }
        try {
            Files.createDirectories(logFile.getParent());
            running = launcher.launch(new KeycloakLauncher.Launch(distribution, database.devMode(), startOptions(),
                    options(), processEnvironment(), logFile, adminUsername, adminPassword));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start Keycloak from " + distribution + " as " + launcher
                    + "; last log lines:\n" + logTail(), e);
        }
        Runtime.getRuntime().addShutdownHook(killOnExit);
        awaitReady();
        if (firstStart) {
            realmOverlays.forEach(overlay -> new RealmOverlay(overlay, environment).applyTo(this));
        }
        lastStartDuration = Duration.between(began, Instant.now());
        return this;
    }

    /** Stops the server (the data stays, so {@link #start()} brings the same realm back). */
    public synchronized void stop() {
        if (adminClient != null) {
            adminClient.close();
            adminClient = null;
        }
        if (running == null) {
            return;
        }
        stopRunning();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        running = null;
    }

    /**
     * Ends the server as a crash does ({@code kill -9} of the JVM and the script): no shutdown, no
     * leaving the cluster. The data stays; {@link #start()} brings the node back.
     */
    public synchronized void kill() {
        if (adminClient != null) {
            adminClient.close();
            adminClient = null;
        }
        if (running == null) {
            return;
        }
        running.kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        running = null;
    }

    /** Stops the server and removes the database it used. */
    @Override
    public synchronized void close() {
        stop();
        launcher.close();
        database.drop();
    }

    public boolean isRunning() {
        return running != null && running.isAlive();
    }

    /** Whether the server runs in a container rather than as a child process. */
    public boolean inContainer() {
        return !(launcher instanceof ChildProcessLauncher);
    }

    /** How the server runs, for logs: a child process, or a container of which image. */
    public String describeLauncher() {
        return launcher.toString();
    }

    /** Base URL of the server, e.g. {@code http://localhost:41234}. */
    public String getAuthServerUrl() {
        return "http://localhost:" + httpPort;
    }

    /** Issuer URL of a realm, as it appears in the tokens the realm signs. */
    public String getIssuer(String realm) {
        return getAuthServerUrl() + "/realms/" + realm;
    }

    public int getHttpPort() {
        return httpPort;
    }

    /** Base URL of the management interface (health and metrics). */
    public String getManagementUrl() {
        return "http://localhost:" + managementPort;
    }

    public String getAdminUsername() {
        return adminUsername;
    }

    public String getAdminPassword() {
        return adminPassword;
    }

    public KeycloakDatabase getDatabase() {
        return database;
    }

    public Path getLogFile() {
        return logFile;
    }

    /** How long the latest {@link #start()} took, from launch to ready. */
    public Duration getLastStartDuration() {
        return lastStartDuration;
    }

    /** An admin client logged in to the master realm as the bootstrap admin; closed on {@link #stop()}. */
    public synchronized Keycloak getKeycloakAdminClient() {
        if (adminClient == null) {
            adminClient = KeycloakBuilder.builder()
                    .serverUrl(getAuthServerUrl())
                    .realm("master")
                    .clientId("admin-cli")
                    .username(adminUsername)
                    .password(adminPassword)
                    .build();
        }
        return adminClient;
    }

    private void prepare() {
        launcher.killStale(distribution);
        Directories.deleteRecursively(distribution.resolve("data"));
        Path providersDir = distribution.resolve("providers");
        if (!optimized) { // an optimized server runs the providers it was built with (KeycloakBuild)
            Directories.deleteRecursively(providersDir);
        }
        Path importDir = distribution.resolve("data/import");
        try {
            Files.createDirectories(providersDir);
            Files.createDirectories(importDir);
            for (Path provider : providers) {
                Files.copy(provider, providersDir.resolve(provider.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            for (Path realm : realmImports) {
                Files.copy(realm, importDir.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + distribution, e);
        }
        database.create();
    }

    /**
     * Options only the production {@code start} takes. An optimized start, as the container image runs
     * it, keeps what {@code kc.sh build} fixed (database vendor, health, metrics, providers); otherwise
     * a local cache, because each test run is one node.
     */
    private List<String> startOptions() {
        if (optimized) {
            return List.of("--optimized", "--http-enabled=true");
        }
        return database.devMode() ? List.of()
                : List.of("--cache=local", "--http-enabled=true", "--hostname-strict=false");
    }

    private List<String> options() {
        List<String> options = new ArrayList<>(List.of(
                "--http-host=127.0.0.1", // tests and the demo never need Keycloak beyond loopback
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort));
        if (!optimized) {
            options.addAll(List.of("--health-enabled=true", "--metrics-enabled=true"));
        }
        database.options().stream()
                .filter(option -> !(optimized && option.startsWith("--db="))) // the vendor is a build-time option
                .forEach(options::add);
        options.addAll(extraOptions);
        return options;
    }

    private Map<String, String> processEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        // Bounded heap: tests run Keycloak beside Maven and the gateway on a small machine.
        env.put("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx1g");
        if (javaHome != null && !inContainer()) { // a container has its own JDK
            env.put("JAVA_HOME", javaHome.toString());
        }
        env.putAll(environment);
        return env;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        URI ready = URI.create(getManagementUrl() + "/health/ready");
        while (Instant.now().isBefore(deadline)) {
            if (!running.isAlive()) {
                throw new IllegalStateException("Keycloak " + running.exitDescription()
                        + " during start; last log lines:\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(250));
        }
        stopRunning();
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT + "; last log lines:\n" + logTail());
    }

    /** The JVM exits with the server running: stop it, then remove what its launches shared. */
    private void stopOnExit() {
        stopRunning();
        launcher.close();
    }

    private void stopRunning() {
        KeycloakLauncher.Running r = running;
        if (r != null) {
            r.stop();
        }
    }

    private String logTail() {
        try (Stream<String> lines = Files.lines(logFile)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link KeycloakServer}. */
    public static final class Builder {
        private Path distribution;
        private final List<Path> providers = new ArrayList<>();
        private final List<Path> realmImports = new ArrayList<>();
        private final List<Path> realmOverlays = new ArrayList<>();
        private KeycloakDatabase database = KeycloakDatabase.h2();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> extraOptions = new ArrayList<>();
        private Path logFile;
        private String adminUsername = "admin";
        private String adminPassword = "admin";
        private Path javaHome;
        private int httpPort;
        private boolean optimized;
        private boolean container;

        private Builder() {}

        /** The unpacked {@code keycloak-quarkus-dist} (the folder holding {@code bin/kc.sh}). */
        public Builder distribution(Path distribution) { this.distribution = distribution; return this; }

        /** A provider or theme jar, copied into {@code providers/}. */
        public Builder provider(Path jar) { providers.add(jar); return this; }

        /** A realm JSON file, imported at start. */
        public Builder realmImport(Path realmJson) { realmImports.add(realmJson); return this; }

        /**
         * A partial import ({@link RealmOverlay}) applied to an imported realm once the first start is
         * ready, e.g. dev-only clients that the production realm file must not contain.
         */
        public Builder realmOverlay(Path overlayJson) { realmOverlays.add(overlayJson); return this; }

        public Builder database(KeycloakDatabase database) { this.database = database; return this; }

        /** A variable for the server's environment, e.g. a value for a {@code ${VAR}} in a realm import. */
        public Builder env(String name, String value) { environment.put(name, value); return this; }

        public Builder env(Map<String, String> values) { environment.putAll(values); return this; }

        /** An extra {@code kc.sh} option such as {@code --log-level=DEBUG}. */
        public Builder option(String option) { extraOptions.add(option); return this; }

        public Builder logFile(Path logFile) { this.logFile = logFile; return this; }

        public Builder admin(String username, String password) {
            this.adminUsername = username;
            this.adminPassword = password;
            return this;
        }

        /**
         * The HTTP port, for callers that must know the server's URL before it starts (e.g. to put
         * it into the environment of a realm import); a free port when not set.
         */
        public Builder httpPort(int port) { this.httpPort = port; return this; }

        /**
         * Starts with {@code start --optimized}, as production does: the distribution was built
         * beforehand ({@link KeycloakBuild}) with its providers, database vendor, health and metrics,
         * so {@link #provider} jars are not copied and those options are not passed again.
         */
        public Builder optimized() { this.optimized = true; return this; }

        /** The JDK that runs Keycloak; the current one when not set. */
        public Builder javaHome(Path javaHome) { this.javaHome = javaHome; return this; }

        /**
         * Runs the server in a container of an image built from the distribution (with its providers)
         * rather than as a child process; needs a Docker-compatible engine (see the testkit's README).
         */
        public Builder container(boolean container) { this.container = container; return this; }

        public KeycloakServer build() { return new KeycloakServer(this); }
    }
}
