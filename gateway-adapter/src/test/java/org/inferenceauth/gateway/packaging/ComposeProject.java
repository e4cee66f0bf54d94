package org.inferenceauth.gateway.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository's container files as {@link ComposeConsistencyTest} reads them: docker/compose.yaml
 * and its local override, docker/.env.example, the README's variables table, the Dockerfiles and the
 * poms. Plain parsing only, no container engine.
 */
final class ComposeProject {

    /** {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?message}}. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
    private static final Pattern ENV_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern TABLE_NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

    final Path root;
    final Path docker;

    ComposeProject(Path root) {
        this.root = root;
        this.docker = root.resolve("docker");
    }

    /** The repository root seen from a module's directory (Maven runs tests there). */
    static ComposeProject fromModuleDirectory() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(root.resolve("docker/compose.yaml"))) {
            throw new IllegalStateException("no docker/compose.yaml above " + Path.of("").toAbsolutePath());
        }
        return new ComposeProject(root);
    }

    String read(String relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> yaml(String relative) {
        return (Map<String, Object>) new Yaml().load(read(relative));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    /** Every string scalar of a YAML tree (comments are gone by then, keys excluded). */
    static List<String> strings(Object node) {
        List<String> out = new ArrayList<>();
        if (node instanceof String s) {
            out.add(s);
        } else if (node instanceof Map<?, ?> m) {
            m.values().forEach(v -> out.addAll(strings(v)));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> out.addAll(strings(v)));
        }
        return out;
    }

    /** The variables a YAML tree reads, in order, with the default each gives (null: none). */
    static Map<String, String> variables(Object node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String value : strings(node)) {
            Matcher m = VARIABLE.matcher(value);
            while (m.find()) {
                String defaultValue = m.group(2) != null && m.group(2).endsWith("-") ? m.group(3) : null;
                out.merge(m.group(1), defaultValue == null ? "" : defaultValue, (a, b) -> a.isEmpty() ? b : a);
            }
        }
        return out;
    }

    /**
     * Replaces variables the way compose does: a set, non-empty value; else the {@code :-} default;
     * else, for a required {@code :?} variable, {@code placeholder} (a value an operator must fill in).
     */
    static String interpolate(String value, Map<String, String> env, String placeholder) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String set = env.get(m.group(1));
            String replacement;
            if (set != null && !set.isEmpty()) {
                replacement = set;
            } else if (m.group(2) != null && m.group(2).endsWith("-")) {
                replacement = m.group(3);
            } else if (m.group(2) != null && m.group(2).endsWith("?")) {
                replacement = placeholder;
            } else {
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** docker/.env.example: every NAME=value line, in order. */
    Map<String, String> envExample() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : read("docker/.env.example").split("\n")) {
            Matcher m = ENV_LINE.matcher(line.trim());
            if (m.matches()) {
                out.put(m.group(1), m.group(2).trim());
            }
        }
        return out;
    }

    /** The names in the first column of docker/README.md's table under "## Variables". */
    Set<String> readmeVariables() {
        Set<String> out = new LinkedHashSet<>();
        boolean inSection = false;
        for (String line : read("docker/README.md").split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.trim().equals("## Variables");
                continue;
            }
            if (inSection && line.startsWith("|")) {
                String firstCell = line.split("\\|", -1)[1];
                Matcher m = TABLE_NAME.matcher(firstCell);
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** A Dockerfile's instructions with continuation lines joined and comments dropped. */
    static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                out.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return out;
    }

    /** The sources of a Dockerfile's COPY instructions from the build context (not {@code --from} stages). */
    static List<String> copySources(String dockerfile) {
        List<String> out = new ArrayList<>();
        for (String instruction : instructions(dockerfile)) {
            List<String> words = List.of(instruction.split("\\s+"));
            if (!words.get(0).equalsIgnoreCase("COPY") || words.stream().anyMatch(w -> w.startsWith("--from="))) {
                continue;
            }
            List<String> operands = words.stream().skip(1).filter(w -> !w.startsWith("--")).toList();
            out.addAll(operands.subList(0, operands.size() - 1));
        }
        return out;
    }

    /** {@code ARG NAME[=default]} and {@code ENV NAME=value ...} of a Dockerfile. */
    static Map<String, String> declarations(String dockerfile, String keyword) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String instruction : instructions(dockerfile)) {
            String[] words = instruction.split("\\s+");
            if (!words[0].equalsIgnoreCase(keyword)) {
                continue;
            }
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                out.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? null : words[i].substring(eq + 1));
            }
        }
        return out;
    }

    /** A property of the root pom, e.g. {@code keycloak.version}. */
    String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read("pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml has no property " + name);
        }
        return m.group(1).trim();
    }

    /** The root pom's modules. */
    Set<String> modules() {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    /** The jar names a module's pom writes into its target/ ({@code finalName}, shade {@code outputFile}). */
    Set<String> builtJars(String module) {
        String pom = read(module + "/pom.xml");
        Set<String> out = new LinkedHashSet<>();
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        while (finalName.find()) {
            out.add(finalName.group(1).trim() + ".jar");
        }
        Matcher outputFile = Pattern.compile("<outputFile>\\$\\{project\\.build\\.directory}/([^<]+)</outputFile>").matcher(pom);
        while (outputFile.find()) {
            out.add(outputFile.group(1).trim());
        }
        return out;
    }
}
