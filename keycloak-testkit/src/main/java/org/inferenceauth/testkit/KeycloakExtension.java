package org.inferenceauth.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives test classes one shared Keycloak per test run.
 *
 * <p>The first test class that needs it starts the server; every later class gets the same one;
 * JUnit closes it when the run ends (and a shutdown hook kills it if the JVM dies). Configured by
 * system properties, which the build sets:
 * <ul>
 *   <li>{@code keycloak.dist}: the unpacked distribution (folder with {@code bin/kc.sh})</li>
 *   <li>{@code keycloak.providers}: provider and theme jars, separated by the path separator</li>
 *   <li>{@code keycloak.realm-imports}: realm JSON files to import (the shipped realm, and
 *       {@link SimulatedCilogon}'s realm, which the environment of the server points at)</li>
 *   <li>{@code keycloak.realm-overlays}: partial imports applied after the first start ({@link RealmOverlay})</li>
 *   <li>{@code keycloak.db}: {@code h2} (default) or {@code postgres}</li>
 *   <li>{@code keycloak.log}: where the server's log goes</li>
 *   <li>{@code keycloak.java.home}: the JDK that runs Keycloak (default: the current one)</li>
 *   <li>{@code keycloak.container}: {@code true} to run the server in a container of an image built
 *       from the distribution instead of a child process (the testkit's README)</li>
 * </ul>
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    /** The shared server of this run, started on first use. */
    public static KeycloakServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KeycloakServer.class, key -> startFromSystemProperties(), KeycloakServer.class);
    }

    private static KeycloakServer startFromSystemProperties() {
        KeycloakServer server = fromSystemProperties().start();
        // One line per run for the CI log: how long the real server took to boot, and on what.
        System.out.printf("Keycloak on %s as %s ready at %s in %.1f s (log: %s)%n", server.getDatabase(),
                server.describeLauncher(), server.getAuthServerUrl(), server.getLastStartDuration().toMillis() / 1000.0, server.getLogFile());
        return server;
    }

    static KeycloakServer fromSystemProperties() {
        // The port is chosen first: the simulated CILogon's URLs go into the server's environment.
        int port = FreePorts.next();
        KeycloakServer.Builder builder = serverOfItsOwn()
                .distribution(requiredPath("keycloak.dist"))
                .httpPort(port)
                .env(TestRealm.environment())
                .env(SimulatedCilogon.environment("http://localhost:" + port));
        realmImports().forEach(builder::realmImport);
        paths("keycloak.realm-overlays").forEach(builder::realmOverlay);
        String log = System.getProperty("keycloak.log");
        if (log != null && !log.isBlank()) {
            builder.logFile(Path.of(log));
        }
        return builder.build();
    }

    /**
     * For the rare test that needs a Keycloak of its own (e.g. to watch a realm import): the
     * database, providers and JDK of the shared server, but no distribution (two servers cannot
     * share one), no realm import, no environment and no log file yet.
     */
    public static KeycloakServer.Builder serverOfItsOwn() {
        KeycloakServer.Builder builder = KeycloakServer.builder()
                .database(KeycloakDatabase.named(System.getProperty("keycloak.db", "h2")))
                .container(Boolean.getBoolean("keycloak.container"));
        paths("keycloak.providers").forEach(builder::provider);
        String javaHome = System.getProperty("keycloak.java.home");
        if (javaHome != null && !javaHome.isBlank()) {
            builder.javaHome(Path.of(javaHome));
        }
        return builder;
    }

    /** The unpacked distribution the shared server runs from ({@code keycloak.dist}). */
    public static Path distribution() {
        return requiredPath("keycloak.dist");
    }

    /** The realm files the shared server imports ({@code keycloak.realm-imports}). */
    public static java.util.List<Path> realmImports() {
        return paths("keycloak.realm-imports");
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || !Files.isDirectory(Path.of(value))) {
            throw new IllegalStateException("System property " + property
                    + " must name the unpacked Keycloak distribution (got " + value + ")");
        }
        return Path.of(value);
    }

    private static java.util.List<Path> paths(String property) {
        String value = System.getProperty(property, "");
        return Arrays.stream(value.split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }
}
