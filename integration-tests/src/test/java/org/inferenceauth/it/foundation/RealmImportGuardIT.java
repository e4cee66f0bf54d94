package org.inferenceauth.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * The production realm file imported by a Keycloak of its own whose environment sets none of the
 * file's variables: what {@code --import-realm} leaves, and what the placeholder guard makes of it.
 * The one extra Keycloak boot of the suite (H2 or PostgreSQL as the run's, a copy of the
 * distribution so that it can run beside the shared server).
 */
@DisplayName("A realm imported without its variables never runs with a literal placeholder")
class RealmImportGuardIT {

    static KeycloakServer keycloak;
    static List<String> warnings;

    @BeforeAll
    static void start() throws IOException {
        Path production = KeycloakExtension.realmImports().stream()
                .filter(p -> p.getFileName().toString().equals(TestRealm.REALM + "-realm.json")).findFirst().orElseThrow();
        Path distribution = copyOnce(KeycloakExtension.distribution());
        keycloak = KeycloakExtension.serverOfItsOwn()
                .distribution(distribution)
                .realmImport(production)
                .logFile(distribution.getParent().resolve("keycloak-import-guard.log"))
                .build()
                .start();
        System.out.printf("Keycloak (import guard) ready in %.1f s%n", keycloak.getLastStartDuration().toMillis() / 1000.0);
        try (Stream<String> lines = Files.lines(keycloak.getLogFile())) {
            warnings = lines.filter(l -> l.contains("WARN") && l.contains("[org.inferenceauth.keycloak.realm.PlaceholderGuard]")).toList();
        }
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    static RealmResource realm() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    @Test
    @DisplayName("the import resolves ${VAR:default} to the default (':' and '/' in it included) and leaves ${VAR} literally")
    void importResolution() {
        IdentityProviderRepresentation access = realm().identityProviders().get("access").toRepresentation();
        ClientRepresentation webUi = realm().clients().findByClientId("open-webui").get(0);

        assertThat(access.getConfig())
                .containsEntry("authorizationUrl", "https://cilogon.org/authorize?idphint=https%3A%2F%2Faccess-ci.org%2Fidp")
                .containsEntry("issuer", "https://cilogon.org")
                .containsEntry("jwksUrl", "https://cilogon.org/oauth2/certs")
                .containsEntry("clientId", "${CILOGON_CLIENT_ID}");
        assertThat(webUi.getRedirectUris()).as("an inert default: a literal ${VAR} here stops the import")
                .containsExactly("https://unset.invalid/OPEN_WEBUI_REDIRECT_URI");
    }

    @Test
    @DisplayName("the three CILogon providers are disabled, each with one warning naming realm, alias and variable")
    void providersDisabled() {
        for (String alias : List.of("access", "iu", "cilogon")) {
            assertThat(realm().identityProviders().get(alias).toRepresentation().isEnabled()).as(alias).isFalse();
            assertThat(warnings).filteredOn(w -> w.contains("identity provider " + alias + " disabled")).singleElement()
                    .satisfies(w -> assertThat(w).contains("Realm inference").contains("${CILOGON_CLIENT_ID}")
                            .contains("set CILOGON_CLIENT_ID"));
        }
    }

    @Test
    @DisplayName("clients whose secret was a literal placeholder get a random one that is never logged; the placeholder no longer authenticates")
    void clientSecretsReplaced() throws IOException {
        String log = Files.readString(keycloak.getLogFile());
        for (String[] client : new String[][] {{"open-webui", "OPEN_WEBUI_CLIENT_SECRET"},
                {"inference-gateway", "INFERENCE_GATEWAY_CLIENT_SECRET"}}) {
            ClientRepresentation rep = realm().clients().findByClientId(client[0]).get(0);
            String secret = realm().clients().get(rep.getId()).getSecret().getValue();

            assertThat(secret).doesNotContain("${").hasSizeGreaterThanOrEqualTo(32);
            assertThat(log).doesNotContain(secret);
            assertThat(warnings).filteredOn(w -> w.contains("client " + client[0] + " had")).singleElement()
                    .satisfies(w -> assertThat(w).contains("the literal ${" + client[1] + "}").contains("Set " + client[1]));
        }
        int status = io.restassured.RestAssured.given().formParam("grant_type", "client_credentials")
                .formParam("client_id", "inference-gateway").formParam("client_secret", "${INFERENCE_GATEWAY_CLIENT_SECRET}")
                .post(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/token").statusCode();
        assertThat(status).isEqualTo(401);
    }

    @Test
    @DisplayName("the web UI's unset URIs are reported; nothing else is (Keycloak's own clients, the master realm)")
    void onlyTheRealProblems() {
        assertThat(warnings).filteredOn(w -> w.contains("URIs from unset variables")).singleElement()
                .satisfies(w -> assertThat(w).contains("client open-webui").contains("(OPEN_WEBUI_REDIRECT_URI, OPEN_WEBUI_URL)"));
        assertThat(warnings).hasSize(3 + 2 + 1);
    }

    /** A copy of the distribution for this server, made once per build (the shared server runs from the original). */
    private static Path copyOnce(Path source) {
        Path target = source.getParent().getParent().resolve("keycloak-dist-import-guard").resolve(source.getFileName());
        if (Files.isExecutable(target.resolve("bin/kc.sh"))) {
            return target;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial"); // renamed when complete
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(file);
                // Not the running server's state: its data, providers and pid file (prepare() kills a pid it finds).
                if (relative.startsWith("data") || relative.startsWith("providers") || relative.toString().equals("keycloak.pid")) {
                    continue;
                }
                Path copy = partial.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + source, e);
        }
        return target;
    }
}
