package org.inferenceauth.gateway.usage;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.net.KeycloakTrust;

/**
 * {@code POST /realms/{r}/usage/batches} as the gateway's client (HTTP Basic). Blocking, on the
 * shipper's own thread, never on a request's. Every answer becomes a {@link Result}: stored (or
 * already stored), refused as malformed (never to be sent again), or try again later.
 */
final class UsageDelivery {

    enum Outcome { DELIVERED, DUPLICATE, REJECTED, RETRY }

    /** @param detail why it was refused or failed, for one log line (never a secret or an entry) */
    record Result(Outcome outcome, String detail) {}

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;
    private final Duration timeout;

    UsageDelivery(GatewayConfig.Keycloak keycloak) {
        this(keycloak, new KeycloakTrust(keycloak.caFile()));
    }

    UsageDelivery(GatewayConfig.Keycloak keycloak, KeycloakTrust trust) {
        this.endpoint = URI.create(keycloak.realmUrl() + "/usage/batches");
        this.authorization = keycloak.basicAuthorization();
        // Storing a full batch takes Keycloak longer than an introspection.
        this.timeout = keycloak.timeout().compareTo(Duration.ofSeconds(10)) > 0 ? keycloak.timeout() : Duration.ofSeconds(10);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(keycloak.timeout());
        trust.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    Result send(UsageBatch batch) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("authorization", authorization)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Result(Outcome.RETRY, "Keycloak unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.RETRY, "interrupted");
        }
        int status = response.statusCode();
        if (status == 200) {
            boolean duplicate = json(response.body()).getBoolean("duplicate", false);
            return new Result(duplicate ? Outcome.DUPLICATE : Outcome.DELIVERED, null);
        }
        if (status == 400 || status == 413) { // malformed or too large: the same bytes would be refused forever
            return new Result(Outcome.REJECTED, "HTTP " + status + " " + json(response.body()).getString("error_description", ""));
        }
        if (status == 401 || status == 403) {
            return new Result(Outcome.RETRY, "HTTP " + status + ": Keycloak refuses the gateway's client credentials "
                    + "(GATEWAY_KEYCLOAK_CLIENT_ID/SECRET, role api-key-introspector)");
        }
        return new Result(Outcome.RETRY, "HTTP " + status);
    }

    private static JsonObject json(String body) {
        try {
            return new JsonObject(body);
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }
}
