package org.inferenceauth.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partial import of a realm that already exists: a JSON file with {@code "realm"} (the target),
 * and what Keycloak's {@code POST /admin/realms/{realm}/partialImport} takes (clients, users,
 * groups, roles, identityProviders, {@code ifResourceExists}). Keycloak's {@code --import-realm}
 * takes one file per realm, so dev- and test-only additions to the production realm file are
 * applied this way after start.
 *
 * <p>{@code ${VAR}} and {@code ${VAR:default}} in string values are replaced from the server's
 * environment, as the realm import does; a variable without value or default fails the start.
 */
public final class RealmOverlay {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    private final Path file;
    private final Map<String, String> environment;

    public RealmOverlay(Path file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    /** Applies the overlay; throws if Keycloak refuses it. */
    public void applyTo(KeycloakServer server) {
        ObjectNode overlay = read();
        JsonNode realm = overlay.remove("realm");
        if (realm == null || !realm.isTextual()) {
            throw new IllegalArgumentException(file + ": an overlay names its target realm in \"realm\"");
        }
        URI endpoint = URI.create(server.getAuthServerUrl() + "/admin/realms/" + realm.asText() + "/partialImport");
        HttpResponse<String> response = send(endpoint, server.getKeycloakAdminClient().tokenManager().getAccessTokenString(),
                overlay.toString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(file + " was refused by realm " + realm.asText() + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        JsonNode result = parse(response.body());
        System.out.printf("Realm overlay %s on %s: %d added, %d skipped, %d overwritten%n", file.getFileName(),
                realm.asText(), result.path("added").asInt(), result.path("skipped").asInt(),
                result.path("overwritten").asInt());
    }

    ObjectNode read() {
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read realm overlay " + file, e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException(file + ": a realm overlay is a JSON object");
        }
        return (ObjectNode) substitute(object);
    }

    private JsonNode substitute(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(resolve(node.asText()));
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(substitute(field.getValue()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((ArrayNode) node).set(i, substitute(node.get(i)));
            }
        }
        return node;
    }

    String resolve(String value) {
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (placeholder.find()) {
            String replacement = environment.get(placeholder.group(1));
            if (replacement == null) {
                replacement = placeholder.group(2);
            }
            if (replacement == null) {
                throw new IllegalStateException(file + ": ${" + placeholder.group(1) + "} has no value in the server's environment");
            }
            placeholder.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        placeholder.appendTail(out);
        return out.toString();
    }

    private static HttpResponse<String> send(URI endpoint, String adminToken, String body) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + adminToken)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not reach " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": unreadable partial-import answer", e);
        }
    }
}
