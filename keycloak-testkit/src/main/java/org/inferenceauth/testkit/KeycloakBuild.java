package org.inferenceauth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Keycloak distribution built once with {@code kc.sh build} (our providers and the build-time
 * options: database vendor, health, metrics), as the production image is, then handed to each node as a
 * copy of its own: two servers cannot share one {@code data/} folder. Nodes start it with
 * {@link KeycloakServer.Builder#optimized()}.
 */
public final class KeycloakBuild {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private final Path home;
    private final Duration duration;

    private KeycloakBuild(Path home, Duration duration) {
        this.home = home;
        this.duration = duration;
    }

    /**
     * Copies {@code distribution} to {@code target} (emptied first), puts {@code providers} into its
     * {@code providers/} and runs {@code kc.sh build} with {@code buildOptions}.
     *
     * @throws IllegalStateException with the build's output when it fails
     */
    public static KeycloakBuild of(Path distribution, Path target, List<Path> providers, List<String> buildOptions,
                                   Path javaHome) {
        Instant began = Instant.now();
        target = target.toAbsolutePath(); // kc.sh is run by its path, from within the folder
        Directories.deleteRecursively(target);
        copyTree(distribution, target, false);
        Path log = target.resolve("build.log");
        try {
            Path providersDir = Files.createDirectories(target.resolve("providers"));
            for (Path provider : providers) {
                Files.copy(provider, providersDir.resolve(provider.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of(target.resolve("bin/kc.sh").toString(), "build"));
            command.addAll(buildOptions);
            ProcessBuilder pb = new ProcessBuilder(command).directory(target.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            if (javaHome != null) {
                pb.environment().put("JAVA_HOME", javaHome.toString());
            }
            Process process = pb.start();
            if (!process.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("kc.sh build did not finish within " + BUILD_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kc.sh build " + buildOptions + " failed with " + process.exitValue()
                        + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not build Keycloak in " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while building Keycloak", e);
        }
        return new KeycloakBuild(target, Duration.between(began, Instant.now()));
    }

    /** The built distribution. */
    public Path home() {
        return home;
    }

    /** How long the copy and {@code kc.sh build} took. */
    public Duration duration() {
        return duration;
    }

    /**
     * A node's own distribution at {@code target} (emptied first): the built files, hard-linked where
     * the file system allows (a node only reads them), without {@code data/}, which each node owns.
     */
    public Path copyTo(Path target) {
        Path absolute = target.toAbsolutePath();
        Directories.deleteRecursively(absolute);
        copyTree(home, absolute, true);
        return absolute;
    }

    private static void copyTree(Path from, Path to, boolean link) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(source);
                if (relative.startsWith("data") || relative.toString().equals("keycloak.pid")) {
                    continue;
                }
                Path copy = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else if (!link || !tryLink(copy, source)) {
                    Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + from + " to " + to, e);
        }
    }

    private static boolean tryLink(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
            return true;
        } catch (FileSystemException | UnsupportedOperationException e) {
            return false;
        }
    }

}
