package org.inferenceauth.it.usage;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;

/** The usage endpoints of one realm, as a gateway, an operator and a person call them. */
public final class UsageApi {

    private final KeycloakServer server;
    private final String realm;
    private final String gatewayClient;
    private final String gatewaySecret;

    public UsageApi(KeycloakServer server, String realm, String gatewayClient, String gatewaySecret) {
        this.server = server;
        this.realm = realm;
        this.gatewayClient = gatewayClient;
        this.gatewaySecret = gatewaySecret;
    }

    /** The shipped realm with its gateway client. */
    public static UsageApi inference(KeycloakServer server) {
        return new UsageApi(server, TestRealm.REALM, TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
    }

    public String batchesUrl() {
        return server.getIssuer(realm) + "/usage/batches";
    }

    /** Posts a batch as the gateway (HTTP Basic client secret). */
    public Response post(Object batch) {
        return given().auth().preemptive().basic(gatewayClient, gatewaySecret).accept(ContentType.JSON)
                .contentType(ContentType.JSON).body(batch).post(batchesUrl());
    }

    /** Posts a batch of these entries under a fresh batch id; asserts it was stored. */
    public void deliver(List<Map<String, Object>> entries) {
        post(batch(UUID.randomUUID().toString(), "it-gateway", entries)).then().statusCode(200);
    }

    public static Map<String, Object> batch(String batchId, String source, List<Map<String, Object>> entries) {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batch_id", batchId);
        batch.put("source", source);
        batch.put("entries", entries);
        return batch;
    }

    /** An entry of channel {@code api}: {@code requests}, {@code prompt}, {@code completion}. */
    public static Map<String, Object> apiEntry(LocalDate day, String userId, String keyId, String project, String model,
                                               long requests, long prompt, long completion) {
        Map<String, Object> entry = entry(day, "api", userId, model, requests, prompt, completion);
        entry.put("key_id", keyId);
        entry.put("client_id", "account-console");
        entry.put("project", project);
        return entry;
    }

    /** An entry of channel {@code ui} for the web UI's own client. */
    public static Map<String, Object> uiEntry(LocalDate day, String userId, String model, long requests, long prompt,
                                              long completion) {
        Map<String, Object> entry = entry(day, "ui", userId, model, requests, prompt, completion);
        entry.put("client_id", TestRealm.WEB_UI_CLIENT);
        return entry;
    }

    private static Map<String, Object> entry(LocalDate day, String channel, String userId, String model, long requests,
                                             long prompt, long completion) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("day", day.toString());
        entry.put("channel", channel);
        entry.put("user_id", userId);
        entry.put("model", model);
        entry.put("requests", requests);
        entry.put("refused", 0);
        entry.put("prompt_tokens", prompt);
        entry.put("completion_tokens", completion);
        return entry;
    }

    public String adminBase() {
        return server.getAuthServerUrl() + "/admin/realms/" + realm + "/usage";
    }

    /** The master realm's admin token (the admin console's operator). */
    public String adminToken() {
        return server.getKeycloakAdminClient().tokenManager().getAccessTokenString();
    }

    /** An admin report ({@code active-users} or {@code totals}) with a token and query parameters. */
    public Response report(String token, String report, Map<String, ?> query) {
        return given().auth().oauth2(token).queryParams(query).get(adminBase() + "/" + report);
    }

    /** The rows of {@code totals} as an operator sees them. */
    public List<Map<String, Object>> totals(Map<String, ?> query) {
        return report(adminToken(), "totals", query).then().statusCode(200).extract().jsonPath().getList("rows");
    }

    public List<Map<String, Object>> periods(Map<String, ?> query) {
        return report(adminToken(), "active-users", query).then().statusCode(200).extract().jsonPath().getList("periods");
    }

    public Response me(String token, Map<String, ?> query) {
        return given().auth().oauth2(token).queryParams(query).get(server.getIssuer(realm) + "/usage/me");
    }

    /** The totals of one user on one day, from the operator's report (0 everywhere when absent). */
    public Map<String, Object> userDay(String userId, LocalDate day) {
        return totals(Map.of("from", day.toString(), "to", day.toString(), "group_by", "user")).stream()
                .filter(row -> userId.equals(row.get("user_id"))).findFirst()
                .orElse(Map.of("requests", 0, "refused", 0, "prompt_tokens", 0, "completion_tokens", 0,
                        "total_tokens", 0, "logins", 0));
    }

    /** RFC 4180 as our reports write it: CRLF lines, quoted fields with doubled quotes. */
    public static List<List<String>> parseCsv(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        if (!row.isEmpty() || field.length() > 0) {
            throw new IllegalArgumentException("CSV does not end with CRLF");
        }
        return rows;
    }
}
