package org.inferenceauth.gateway.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.inferenceauth.gateway.auth.IdentityHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Traefik and Envoy examples cannot run here (no binaries), so their half of the contract is
 * pinned instead: the README shows the files as they are, and they keep the settings the gateway's
 * side (tested in {@link ForwardAuthTest}) relies on. nginx's example runs for real in
 * {@link NginxForwardAuthTest}.
 */
@DisplayName("The forward-auth examples the README shows")
class ForwardAuthExamplesTest {

    static String read(String file) throws IOException {
        return Files.readString(Path.of("examples", file));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nginx/inference-forward-auth.conf", "traefik/inference-forward-auth.yml",
            "envoy/inference-ext-authz.yaml"})
    @DisplayName("the README shows each example file as it is")
    void inReadme(String file) throws IOException {
        assertThat(Files.readString(Path.of("README.md"))).contains(read(file).strip());
    }

    @Test
    @DisplayName("Traefik: the gateway's X-Auth-* replace the client's, and the client's credential and hop headers are removed")
    void traefik() throws IOException {
        String traefik = read("traefik/inference-forward-auth.yml");

        assertThat(traefik).contains("address: \"http://gateway:8000/auth\"", "trustForwardHeader: false",
                "authResponseHeadersRegex: \"^X-Auth-\"");
        for (String header : IdentityHeaders.STRIPPED) {
            if (!header.equals("proxy-authorization")) {
                assertThat(traefik.toLowerCase()).contains(header + ": \"\"");
            }
        }
        assertThat(traefik.toLowerCase()).contains("x-request-id: \"\"");
    }

    @Test
    @DisplayName("Envoy: the check goes to /auth<path>, credentials reach the gateway, and x-auth-* come back upstream")
    void envoy() throws IOException {
        String envoy = read("envoy/inference-ext-authz.yaml");

        assertThat(envoy).contains("path_prefix: /auth", "{ prefix: x-auth-, ignore_case: true }",
                "{ exact: x-api-key, ignore_case: true }", "{ exact: api-key, ignore_case: true }",
                "{ exact: apikey, ignore_case: true }", "allowed_upstream_headers", "www-authenticate");
        String upstreamHeaders = envoy.substring(envoy.indexOf("allowed_upstream_headers"), envoy.indexOf("allowed_client_headers"));
        assertThat(upstreamHeaders).as("the gateway's request id replaces the client's X-Request-Id")
                .contains("{ exact: x-request-id, ignore_case: true }");
    }
}
