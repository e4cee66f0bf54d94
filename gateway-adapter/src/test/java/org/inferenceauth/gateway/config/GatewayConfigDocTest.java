package org.inferenceauth.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the one place an operator looks up a gateway variable: it must name
 * every variable the configuration reads, and nothing it does not read. The variables read are
 * recorded from {@link GatewayConfig#fromEnv} itself, not from a list kept next to it.
 */
class GatewayConfigDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final Pattern DOC_NAME = Pattern.compile("`(GATEWAY_[A-Z0-9_]+)`");
    private static final Pattern DOC_REQUIRED = Pattern.compile("(?m)^\\| `(GATEWAY_[A-Z0-9_]+)` \\| \\(required\\) \\|");

    /** An empty environment that remembers every name asked for. */
    private static final class RecordingEnv extends HashMap<String, String> {
        final Set<String> asked = new TreeSet<>();

        @Override
        public String get(Object key) {
            asked.add((String) key);
            return super.get(key);
        }
    }

    /** Every name {@code fromEnv} reads: with nothing set, every reader runs and the required ones fail. */
    static Set<String> namesRead() {
        RecordingEnv env = new RecordingEnv();
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).isInstanceOf(ConfigException.class);
        return env.asked;
    }

    /** The names an empty environment is refused for ("X is required (…)"). */
    static Set<String> namesRequired() {
        Set<String> required = new TreeSet<>();
        try {
            GatewayConfig.fromEnv(new HashMap<>());
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                if (problem.matches("GATEWAY_[A-Z0-9_]+ is required .*")) {
                    required.add(problem.substring(0, problem.indexOf(' ')));
                }
            }
        }
        return required;
    }

    static Set<String> namesDocumented() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = DOC_NAME.matcher(Files.readString(DOC));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    @DisplayName("the recording sees the configuration's readers (sanity: required, optional and migration names)")
    void recordingWorks() {
        assertThat(namesRead()).contains("GATEWAY_UPSTREAMS", "GATEWAY_KEYCLOAK_ISSUER", "GATEWAY_JWT_CLOCK_SKEW",
                "GATEWAY_AUTH_MODE", "GATEWAY_TLS_KEY_FILE").hasSizeGreaterThan(50);
    }

    @Test
    @DisplayName("every GATEWAY_* variable the gateway reads is in docs/configuration.md")
    void everyVariableReadIsDocumented() throws IOException {
        Set<String> undocumented = new TreeSet<>(namesRead());
        undocumented.removeAll(namesDocumented());
        assertThat(undocumented).as("variables read by GatewayConfig but missing from %s", DOC).isEmpty();
    }

    @Test
    @DisplayName("the variables docs/configuration.md marks (required) are exactly those the gateway refuses to start without")
    void requiredOnesAreMarked() throws IOException {
        Set<String> marked = new TreeSet<>();
        Matcher m = DOC_REQUIRED.matcher(Files.readString(DOC));
        while (m.find()) {
            marked.add(m.group(1));
        }
        assertThat(marked).isEqualTo(namesRequired())
                .contains("GATEWAY_UPSTREAMS", "GATEWAY_KEYCLOAK_ISSUER", "GATEWAY_KEYCLOAK_CLIENT_SECRET");
    }

    @Test
    @DisplayName("docs/configuration.md names no GATEWAY_* variable the gateway does not read")
    void everyDocumentedVariableIsRead() throws IOException {
        Set<String> unknown = namesDocumented();
        unknown.removeAll(namesRead());
        assertThat(unknown).as("variables in %s that GatewayConfig never reads", DOC).isEmpty();
    }
}
