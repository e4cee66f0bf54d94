package org.inferenceauth.gateway.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.packaging.ComposeProject.map;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docker/ is configuration nobody compiles: this test keeps it in step with the code, without a
 * container engine. It fails when a Dockerfile copies a file Maven no longer writes there, a port or
 * service URL no longer meets its listener, a variable is read by compose.yaml but missing from
 * .env.example or the README table (or the other way round), compose gives the gateway a variable
 * it does not read, or a version drifts from the pom.
 */
@DisplayName("docker/: compose files, Dockerfiles, .env.example and README agree with the code")
class ComposeConsistencyTest {

    /** Keycloak's defaults for http-port and http-management-port (compose.yaml does not change them). */
    static final int KEYCLOAK_HTTP_PORT = 8080;
    static final int KEYCLOAK_MANAGEMENT_PORT = 9000;
    /** Where the official postgres and redis images, Open WebUI's image and our local stand-ins listen. */
    static final Map<String, Integer> FIXED_LISTENERS = Map.of("postgres", 5432, "redis", 6379, "open-webui", 8080);

    private final ComposeProject project = ComposeProject.fromModuleDirectory();
    private final Map<String, Object> compose = project.yaml("docker/compose.yaml");
    private final Map<String, Object> local = project.yaml("docker/compose.local.yaml");
    private final Map<String, Object> services = map(compose.get("services"));

    /** A service's build: context (from the repository root), Dockerfile and build arguments, over both files. */
    record Build(String service, Path context, Path dockerfile, Map<String, String> args) {}

    private List<Build> builds() {
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        for (Map<String, Object> file : List.of(compose, local)) {
            map(file.get("services")).forEach((service, definition) -> {
                Object build = map(definition).get("build");
                if (build != null) {
                    Map<String, Object> spec = build instanceof String s ? Map.of("context", s) : map(build);
                    Map<String, Object> into = merged.computeIfAbsent(service, k -> new LinkedHashMap<>());
                    spec.forEach((key, value) -> {
                        if (key.equals("args")) {
                            Map<String, Object> args = new LinkedHashMap<>(map(into.get("args")));
                            args.putAll(map(value));
                            into.put("args", args);
                        } else {
                            into.put(key, value);
                        }
                    });
                }
            });
        }
        List<Build> out = new ArrayList<>();
        merged.forEach((service, spec) -> {
            Path context = project.docker.resolve(String.valueOf(spec.getOrDefault("context", "."))).normalize();
            Path dockerfile = context.resolve(String.valueOf(spec.getOrDefault("dockerfile", "Dockerfile"))).normalize();
            Map<String, String> args = new LinkedHashMap<>();
            map(spec.get("args")).forEach((k, v) -> args.put(k, String.valueOf(v)));
            out.add(new Build(service, context, dockerfile, args));
        });
        return out;
    }

    private String read(Path file) {
        return project.read(project.root.relativize(file).toString());
    }

    @Test
    @DisplayName("every file a Dockerfile copies is committed, or is a jar its module's pom writes to that path")
    void copiedFilesExist() {
        List<Build> builds = builds();
        assertThat(builds).extracting(Build::service).contains("keycloak", "gateway", "postgres", "redis", "vllm-a");
        for (Build build : builds) {
            assertThat(build.dockerfile()).as("Dockerfile of service %s", build.service()).isRegularFile();
            for (String source : ComposeProject.copySources(read(build.dockerfile()))) {
                Path path = build.context().resolve(source).normalize();
                Path relative = project.root.relativize(path);
                if (relative.getNameCount() == 3 && relative.getName(1).toString().equals("target")) {
                    String module = relative.getName(0).toString();
                    assertThat(project.modules()).as("%s copies %s: a module of pom.xml", build.dockerfile(), source)
                            .contains(module);
                    assertThat(project.builtJars(module)).as("%s copies %s: jars %s/pom.xml writes", build.dockerfile(), source, module)
                            .contains(relative.getName(2).toString());
                } else {
                    assertThat(path).as("%s copies %s", project.root.relativize(build.dockerfile()), source).exists();
                }
            }
        }
    }

    @Test
    @DisplayName(".dockerignore lets through exactly what the Dockerfiles built from the repository root copy")
    void dockerignoreMatchesCopies() {
        Set<String> copied = new TreeSet<>();
        for (Build build : builds()) {
            if (build.context().equals(project.root)) {
                ComposeProject.copySources(read(build.dockerfile())).forEach(copied::add);
            }
        }
        List<String> lines = project.read(".dockerignore").lines()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(lines).as(".dockerignore starts by excluding everything").first().isEqualTo("*");
        Set<String> allowed = new TreeSet<>();
        lines.stream().filter(l -> l.startsWith("!")).forEach(l -> allowed.add(l.substring(1)));
        assertThat(allowed).isEqualTo(copied);
    }

    @Test
    @DisplayName("every build argument compose passes is an ARG of its Dockerfile (a typo would silently build on the default)")
    void buildArgumentsAreDeclared() {
        for (Build build : builds()) {
            Map<String, String> declared = ComposeProject.declarations(read(build.dockerfile()), "ARG");
            assertThat(declared.keySet()).as("ARGs of %s", project.root.relativize(build.dockerfile()))
                    .containsAll(build.args().keySet());
        }
    }

    @Test
    @DisplayName("compose.yaml's variables = .env.example's = the README table's, and their defaults agree")
    void variablesAreDocumented() {
        Map<String, String> composeVariables = ComposeProject.variables(compose);
        Map<String, String> example = project.envExample();
        assertThat(ComposeProject.variables(local)).as("compose.local.yaml reads no variables of its own").isEmpty();

        assertThat(ComposeProject.strings(compose)).as("no ${VAR:-} (podman-compose 1.0.3 leaves it unreplaced): write ${VAR}")
                .noneMatch(value -> value.matches("(?s).*\\$\\{[A-Za-z0-9_]+:?-}.*"));
        assertSameNames("docker/.env.example", example.keySet(), composeVariables.keySet());
        assertSameNames("docker/README.md's variables table", project.readmeVariables(), composeVariables.keySet());
        composeVariables.forEach((name, composeDefault) -> {
            String exampleValue = example.get(name);
            if (!composeDefault.isEmpty() && !exampleValue.isEmpty()) {
                assertThat(exampleValue).as(".env.example's %s vs compose.yaml's default", name).isEqualTo(composeDefault);
            }
        });
    }

    private static void assertSameNames(String where, Set<String> listed, Set<String> read) {
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(listed);
        Set<String> extra = new TreeSet<>(listed);
        extra.removeAll(read);
        assertThat(missing).as("variables compose.yaml reads but %s does not list", where).isEmpty();
        assertThat(extra).as("variables %s lists but compose.yaml does not read", where).isEmpty();
    }

    /** The gateway's environment in the container: the image's ENV, then compose's, with .env.example's values. */
    private Map<String, String> gatewayEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(ComposeProject.declarations(project.read("docker/gateway/Dockerfile"), "ENV"));
        for (Map<String, Object> file : List.of(compose, local)) {
            map(map(map(file.get("services")).get("gateway")).get("environment")).forEach((name, value) ->
                    env.put(name, ComposeProject.interpolate(String.valueOf(value), project.envExample(), "filled-in-" + name)));
        }
        return env;
    }

    @Test
    @DisplayName("the gateway reads every GATEWAY_* variable the image and compose set, and accepts their values")
    void gatewayReadsWhatItIsGiven() {
        Map<String, String> env = gatewayEnvironment();
        Set<String> read = new LinkedHashSet<>();
        Map<String, String> recording = new HashMap<>(env) {
            @Override
            public String get(Object key) {
                read.add(String.valueOf(key));
                return super.get(key);
            }

            @Override
            public String getOrDefault(Object key, String fallback) {
                read.add(String.valueOf(key));
                return super.getOrDefault(key, fallback);
            }

            @Override
            public boolean containsKey(Object key) {
                read.add(String.valueOf(key));
                return super.containsKey(key);
            }
        };
        GatewayConfig.fromEnv(recording);

        Set<String> given = new TreeSet<>(env.keySet());
        assertThat(given).as("the gateway's environment holds only GATEWAY_* variables").allMatch(n -> n.startsWith("GATEWAY_"));
        assertThat(read).as("variables GatewayConfig.fromEnv reads").containsAll(given);
    }

    @Test
    @DisplayName("published ports and service URLs meet the port each service listens on")
    void portsMeetListeners() {
        Map<String, String> gatewayEnv = gatewayEnvironment();
        GatewayConfig gateway = GatewayConfig.fromEnv(gatewayEnv);
        Map<String, String> builtIn = new HashMap<>(gatewayEnv);
        builtIn.keySet().removeAll(ComposeProject.declarations(project.read("docker/gateway/Dockerfile"), "ENV").keySet());
        GatewayConfig defaults = GatewayConfig.fromEnv(builtIn);
        assertThat(gateway.port()).as("the image's GATEWAY_PORT is the built-in default").isEqualTo(defaults.port());
        assertThat(gateway.managementPort()).as("the image's GATEWAY_MANAGEMENT_PORT is the built-in default")
                .isEqualTo(defaults.managementPort());
        assertThat(ComposeProject.instructions(project.read("docker/gateway/Dockerfile")))
                .as("the gateway image exposes both ports")
                .contains("EXPOSE " + gateway.port() + " " + gateway.managementPort());

        Map<String, Integer> listeners = new HashMap<>(FIXED_LISTENERS);
        listeners.put("keycloak", KEYCLOAK_HTTP_PORT);
        listeners.put("gateway", gateway.port());
        services.forEach((name, definition) -> {
            List<String> command = ComposeProject.strings(map(definition).get("command"));
            int at = command.indexOf("--port");
            if (at >= 0) {
                listeners.put(name, Integer.parseInt(command.get(at + 1)));
            }
        });
        assertThat(listeners.keySet()).as("a listening port known for every service").containsAll(services.keySet());
        for (String name : services.keySet()) {
            Map<String, Object> service = map(services.get(name));
            Map<String, Object> environment = map(service.get("environment"));
            assertThat(environment.keySet()).as("%s: Keycloak's listeners keep their defaults", name)
                    .doesNotContain("KC_HTTP_PORT", "KC_HTTP_MANAGEMENT_PORT");
            for (String published : ComposeProject.strings(service.get("ports"))) {
                String target = published.substring(published.lastIndexOf(':') + 1);
                assertThat(Integer.parseInt(target)).as("%s publishes %s", name, published).isEqualTo(listeners.get(name));
            }
            for (Object value : environment.values()) {
                String url = ComposeProject.interpolate(String.valueOf(value), project.envExample(), "x");
                for (String one : url.split(",")) {
                    checkServiceUrl(name, one.trim(), listeners);
                }
            }
        }
        String keycloakHealth = String.join(" ", ComposeProject.strings(map(services.get("keycloak")).get("healthcheck")));
        assertThat(keycloakHealth).as("Keycloak's health check asks the management port")
                .contains("/dev/tcp/127.0.0.1/" + KEYCLOAK_MANAGEMENT_PORT);
    }

    /** A URL naming another service must use that service's listening port and share a network with it. */
    private void checkServiceUrl(String from, String value, Map<String, Integer> listeners) {
        String url = value.startsWith("jdbc:") ? value.substring("jdbc:".length()) : value;
        if (!url.matches("[a-z]+://.*")) {
            return;
        }
        URI uri = URI.create(url);
        if (uri.getHost() == null || !services.containsKey(uri.getHost())) {
            return;
        }
        String to = uri.getHost();
        assertThat(uri.getPort()).as("%s calls %s (port stated explicitly)", from, value).isEqualTo(listeners.get(to));
        Set<String> shared = new TreeSet<>(ComposeProject.strings(map(services.get(from)).get("networks")));
        shared.retainAll(ComposeProject.strings(map(services.get(to)).get("networks")));
        assertThat(shared).as("%s calls %s: a network in common", from, value).isNotEmpty();
    }

    @Test
    @DisplayName("the Keycloak version and Java release of the images are the pom's")
    void versionsMatchThePom() {
        String keycloakVersion = project.pomProperty("keycloak.version");
        String javaRelease = project.pomProperty("maven.compiler.release");
        Map<String, String> keycloakArgs = ComposeProject.declarations(project.read("docker/keycloak/Dockerfile"), "ARG");
        assertThat(keycloakArgs).containsEntry("KEYCLOAK_VERSION", keycloakVersion)
                .containsEntry("KEYCLOAK_BASE", "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}");
        assertThat(ComposeProject.declarations(project.read("docker/gateway/Dockerfile"), "ARG").get("JRE_BASE"))
                .as("the gateway's JRE").startsWith("eclipse-temurin:" + javaRelease + "-jre");

        for (Build build : builds()) {
            build.args().forEach((arg, image) -> {
                if (arg.equals("KEYCLOAK_BASE")) {
                    assertThat(image).as("%s's local Keycloak base", build.service()).endsWith(":" + keycloakVersion);
                }
                if (arg.equals("JRE_BASE")) {
                    assertThat(image).as("%s's local JRE base", build.service()).contains("jre" + javaRelease);
                }
            });
        }
        assertThat(project.read("docker/README.md")).as("README names the Keycloak version")
                .contains("Keycloak " + keycloakVersion);
        Matcher base = Pattern.compile("keycloak-base:\\$KEYCLOAK_VERSION|keycloak-base:\\$\\{KEYCLOAK_VERSION}")
                .matcher(project.read("docker/base/build-local-base.sh"));
        assertThat(base.find()).as("build-local-base.sh tags the Keycloak base with the pom's version").isTrue();
        assertThat(project.read("docker/base/build-local-base.sh")).contains("<keycloak.version>");
        for (String image : List.of("keycloak", "gateway")) {
            assertThat(String.valueOf(map(services.get(image)).get("image")))
                    .as("compose.yaml builds and runs our %s image", image)
                    .isEqualTo("inference-auth/" + image + ":${IMAGE_TAG:-local}");
        }
        assertThat(Files.isRegularFile(project.docker.resolve("base/keycloak-base.Dockerfile"))).isTrue();
    }
}
