package org.inferenceauth.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The figures of one cluster run, printed and written to {@code target/cluster-report.txt}. */
final class ClusterReport {

    private final List<String> lines = new ArrayList<>();

    synchronized void add(String figure, String value) {
        String line = String.format("%-58s %s", figure, value);
        lines.add(line);
        System.out.println("[cluster] " + line);
    }

    void add(String figure, Duration took) {
        add(figure, String.format("%.1f s", took.toMillis() / 1000.0));
    }

    synchronized void write(Path file) {
        List<String> out = new ArrayList<>();
        out.add("Keycloak cluster run (KeycloakClusterIT): two nodes, nginx, two gateway replicas");
        out.addAll(lines);
        System.out.println(String.join(System.lineSeparator(), out));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
