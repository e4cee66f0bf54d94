package org.inferenceauth.demo;

import io.vertx.core.Vertx;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.inferenceauth.gateway.GatewayServer;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.FreePorts;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.TestUsers;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * DEMO ONLY. One command brings up the whole thing on this machine: the real Keycloak (embedded
 * H2, our realm import plus its dev overlay, extension and theme jars, bootstrap admin) with a
 * simulated CILogon realm behind its ACCESS-CI, IU and CILogon buttons, two demo upstreams standing
 * in for vLLM servers, and the gateway in front of them. Prints the URLs and writes them to
 * {@code demo/target/demo.env}. Secrets here are demo values; never use them in production.
 */
public final class DemoStack {

    static final String REALM = "inference";
    static final String DEMO_USER = "demo";
    static final String DEMO_PASSWORD = "demo-password";
    /** An operator of the realm (its admin console's Usage and API keys pages); same demo password. */
    static final String DEMO_OPERATOR = "operator";
    static final List<String> OPERATOR_ROLES = List.of("view-realm", "view-users", "manage-users");
    static final Map<String, String> DEMO_SECRETS = Map.of(
            "OPEN_WEBUI_CLIENT_SECRET", "demo-open-webui-secret",
            "OPEN_WEBUI_REDIRECT_URI", "http://localhost:3000/oauth/oidc/callback",
            "OPEN_WEBUI_URL", "http://localhost:3000",
            "INFERENCE_GATEWAY_CLIENT_SECRET", "demo-inference-gateway-secret",
            "EXAMPLE_SERVICE_CLIENT_SECRET", "demo-example-service-secret");

    public static void main(String[] args) throws Exception {
        Properties paths = new Properties();
        try (InputStream in = DemoStack.class.getResourceAsStream("/demo-paths.properties")) {
            paths.load(in);
        }
        Path logDir = Path.of(paths.getProperty("log.dir"));
        // The port first: the simulated CILogon's URLs go into Keycloak's environment.
        int keycloakPort = FreePorts.next();
        // And the gateway's: the key dialogs' examples show its URL (the realm import's
        // inference.apikey.apiBaseUrl comes from INFERENCE_API_BASE_URL).
        String gatewayPort = System.getenv().getOrDefault("GATEWAY_PORT", "8000");
        KeycloakServer.Builder builder = KeycloakServer.builder()
                .distribution(Path.of(paths.getProperty("keycloak.dist")))
                .httpPort(keycloakPort)
                .realmImport(Path.of(paths.getProperty("realm")))
                .realmImport(Path.of(paths.getProperty("realm.simulatedCilogon")))
                .realmOverlay(Path.of(paths.getProperty("overlay"))) // example-service: demo only
                .env(DEMO_SECRETS)
                .env(SimulatedCilogon.environment("http://localhost:" + keycloakPort))
                .env("INFERENCE_API_BASE_URL", "http://127.0.0.1:" + gatewayPort + "/v1")
                .admin("admin", "admin")
                .logFile(logDir.resolve("keycloak-demo.log"));
        for (String jar : paths.getProperty("providers").split(",")) {
            builder.provider(Path.of(jar));
        }
        Optional.ofNullable(System.getenv("KEYCLOAK_JAVA_HOME")).map(Path::of).ifPresent(builder::javaHome);
        System.out.println("Starting Keycloak (about a minute on first start; log: " + logDir.resolve("keycloak-demo.log") + ")");
        KeycloakServer keycloak = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(keycloak::close, "demo-keycloak-stop"));
        String issuer = keycloak.getIssuer(REALM);
        ensureDemoUser(keycloak.getKeycloakAdminClient().realm(REALM));
        ensureDemoOperator(keycloak.getKeycloakAdminClient().realm(REALM));

        Vertx vertx = Vertx.vertx();
        DemoUpstream llama = new DemoUpstream(vertx, List.of("demo-llama"), Duration.ofMillis(60))
                .start("127.0.0.1", envInt("DEMO_UPSTREAM_PORT_1", 8001)).await();
        DemoUpstream qwen = new DemoUpstream(vertx, List.of("demo-qwen", "demo-qwen-coder"), Duration.ofMillis(60))
                .start("127.0.0.1", envInt("DEMO_UPSTREAM_PORT_2", 8002)).await();

        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", gatewayPort);
        env.put("GATEWAY_MANAGEMENT_PORT", "9000");
        env.put("GATEWAY_UPSTREAMS", llama.baseUrl() + "," + qwen.baseUrl());
        env.put("GATEWAY_KEYCLOAK_ISSUER", issuer);
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", DEMO_SECRETS.get("INFERENCE_GATEWAY_CLIENT_SECRET"));
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("GATEWAY_")) {
                env.put(name, value); // the operator's own settings win
            }
        });
        GatewayConfig config = GatewayConfig.fromEnv(env);
        GatewayServer gateway = new GatewayServer(vertx, config,
                new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()), System.out);
        gateway.start().await();

        String gatewayUrl = "http://127.0.0.1:" + gateway.port();
        String demoKey = mintDemoKey(keycloak, issuer);
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("KEYCLOAK_URL", keycloak.getAuthServerUrl());
        summary.put("ISSUER", issuer);
        summary.put("ACCOUNT_CONSOLE", issuer + "/account/");
        summary.put("OPERATOR_CONSOLE", keycloak.getAuthServerUrl() + "/admin/" + REALM + "/console/");
        summary.put("GATEWAY_URL", gatewayUrl + "/v1");
        summary.put("GATEWAY_MANAGEMENT_URL", "http://127.0.0.1:" + gateway.managementPort());
        summary.put("EXAMPLE_SERVICE_SECRET", DEMO_SECRETS.get("EXAMPLE_SERVICE_CLIENT_SECRET"));
        summary.put("DEMO_API_KEY", demoKey);
        summary.put("BROKERED_USER", SimulatedCilogon.ACCESS_USER);
        StringBuilder file = new StringBuilder();
        summary.forEach((name, value) -> file.append(name).append('=').append(value).append('\n'));
        Files.writeString(logDir.resolve("demo.env"), file);

        System.out.println();
        System.out.println("=== inference-auth demo is up (DEMO secrets; the upstreams are canned-text demos, not models) ===");
        summary.forEach((name, value) -> System.out.printf("  %-24s %s%n", name, value));
        System.out.println("  Keycloak admin console    " + keycloak.getAuthServerUrl() + "/admin/  (admin / admin)");
        System.out.println("  Demo user                 " + DEMO_USER + " / " + DEMO_PASSWORD);
        System.out.println("  Demo operator             " + DEMO_OPERATOR + " / " + DEMO_PASSWORD
                + " at OPERATOR_CONSOLE: navigation \"Inference\" -> Usage, API keys");
        System.out.println("  Log in through CILogon    open ACCOUNT_CONSOLE, click \"ACCESS-CI\", then at the SIMULATED CILogon page:");
        System.out.println("                            " + SimulatedCilogon.ACCESS_USER + " / " + SimulatedCilogon.DEMO_PASSWORD
                + " (ACCESS), or \"Indiana University\" with " + SimulatedCilogon.IU_USER + " / " + SimulatedCilogon.DEMO_PASSWORD);
        System.out.println("                            (DEMO: a realm of this Keycloak plays CILogon; see realm-config/dev/README.md)");
        System.out.println("  Variables saved to        " + logDir.resolve("demo.env") + "  (source it in your shell)");
        System.out.println("Press Ctrl-C to stop everything.");
        Thread.currentThread().join();
    }

    private static void ensureDemoUser(RealmResource realm) {
        if (!realm.users().searchByUsername(DEMO_USER, true).isEmpty()) {
            return;
        }
        UserRepresentation user = new UserRepresentation();
        user.setUsername(DEMO_USER);
        user.setEmail("demo@example.edu");
        user.setEmailVerified(true);
        user.setFirstName("Demo");
        user.setLastName("User");
        user.setEnabled(true);
        user.setCredentials(List.of(TestUsers.password(DEMO_PASSWORD)));
        try (Response response = realm.users().create(user)) {
            if (response.getStatus() != 201) {
                throw new IllegalStateException("Could not create the demo user: HTTP " + response.getStatus());
            }
        }
    }

    /** A user of the realm holding realm-management roles: the operator of the admin console's pages. */
    private static void ensureDemoOperator(RealmResource realm) {
        if (!realm.users().searchByUsername(DEMO_OPERATOR, true).isEmpty()) {
            return;
        }
        UserRepresentation user = new UserRepresentation();
        user.setUsername(DEMO_OPERATOR);
        user.setEmail("operator@example.edu");
        user.setEmailVerified(true);
        user.setFirstName("Demo");
        user.setLastName("Operator");
        user.setEnabled(true);
        user.setCredentials(List.of(TestUsers.password(DEMO_PASSWORD)));
        String userId;
        try (Response response = realm.users().create(user)) {
            if (response.getStatus() != 201) {
                throw new IllegalStateException("Could not create the demo operator: HTTP " + response.getStatus());
            }
            userId = CreatedResponseUtil.getCreatedId(response);
        }
        String management = realm.clients().findByClientId("realm-management").get(0).getId();
        realm.users().get(userId).roles().clientLevel(management).add(OPERATOR_ROLES.stream()
                .map(role -> realm.clients().get(management).roles().get(role).toRepresentation()).toList());
    }

    /** Logs the demo user in to the account console and mints a key through the realm's REST API. */
    private static String mintDemoKey(KeycloakServer keycloak, String issuer) throws IOException, InterruptedException {
        String token = BrowserLogin.accountConsole(keycloak, REALM).login(DEMO_USER, DEMO_PASSWORD).accessToken();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/api-keys"))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"demo-" + System.currentTimeMillis() + "\",\"project\":\"personal\",\"expiresAt\":null,\"scopes\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Minting the demo key failed: HTTP " + created.statusCode() + " " + created.body());
        }
        return new io.vertx.core.json.JsonObject(created.body()).getString("key");
    }

    private static int envInt(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
