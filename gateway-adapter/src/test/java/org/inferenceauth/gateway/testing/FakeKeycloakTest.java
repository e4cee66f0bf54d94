package org.inferenceauth.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fake is only worth its strictness if it really refuses what Keycloak refuses: its own rules,
 * checked against GatewayEndpoints' contract (docs/api-keys-contract.md), over HTTP.
 */
@DisplayName("FakeKeycloak answers as strictly as the realm's gateway endpoints")
class FakeKeycloakTest {

    static final Instant T = Instant.parse("2031-05-04T10:00:00Z");

    Vertx vertx;
    FakeKeycloak keycloak;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        keycloak.setClock(Clock.fixed(T, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    HttpResponse<String> call(String method, String path, String contentType, String body) throws Exception {
        String basic = Base64.getEncoder().encodeToString((FakeKeycloak.CLIENT_ID + ":" + FakeKeycloak.CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.issuer() + path))
                .header("authorization", "Basic " + basic).timeout(Duration.ofSeconds(20));
        if (body != null) {
            request.header("content-type", contentType);
        }
        return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> introspect(String form) throws Exception {
        return call("POST", "/api-keys/introspect", "application/x-www-form-urlencoded", form);
    }

    JsonObject feed(String since) throws Exception {
        return new JsonObject(call("GET", "/api-keys/revocations" + (since == null ? "" : "?since=" + since), null, null).body());
    }

    static String token(String key) {
        return "token=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("introspection: exactly one non-empty token, else 400 invalid_request")
    void oneToken() throws Exception {
        String key = keycloak.mintKey("ann").token();

        HttpResponse<String> none = introspect("");

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(none.body()).getString("error")).isEqualTo("invalid_request");
        assertThat(introspect("token=").statusCode()).isEqualTo(400);
        assertThat(introspect(token(key) + "&" + token(key)).statusCode()).isEqualTo(400);
        assertThat(introspect(token(key)).statusCode()).isEqualTo(200);
        assertThat(keycloak.badRequests()).isEqualTo(3);
    }

    @Test
    @DisplayName("introspection: exp in epoch seconds (the realm's 365 days by default, none for a key that never expires); expired is inactive")
    void exp() throws Exception {
        JsonObject byDefault = new JsonObject(introspect(token(keycloak.mintKey("ann").token())).body());
        JsonObject never = new JsonObject(introspect(token(keycloak.mintKeyExpiringAt(null, "bo").token())).body());
        FakeKeycloak.Key soon = keycloak.mintKeyExpiringAt(T.plusSeconds(10), "cy");

        assertThat(byDefault.getLong("exp")).isEqualTo(T.plus(Duration.ofDays(365)).getEpochSecond());
        assertThat(never.containsKey("exp")).isFalse();
        assertThat(new JsonObject(introspect(token(soon.token())).body()).getBoolean("active")).isTrue();
        keycloak.setClock(Clock.fixed(T.plusSeconds(10), ZoneOffset.UTC));
        assertThat(new JsonObject(introspect(token(soon.token())).body()).encode()).isEqualTo("{\"active\":false}");
    }

    @Test
    @DisplayName("the feed delivers new entries at once, but its cursor passes an entry only once it is 2 s old")
    void replayWindow() throws Exception {
        String start = feed(null).getString("cursor");
        keycloak.revokeKey(keycloak.mintKey("dee"));

        JsonObject young = feed(start);
        keycloak.setClock(Clock.fixed(T.plusSeconds(2), ZoneOffset.UTC));
        JsonObject settled = feed(start);

        assertThat(young.getJsonArray("events")).hasSize(1);
        assertThat(young.getString("cursor")).as("not past a young entry").isEqualTo(start);
        assertThat(settled.getJsonArray("events")).hasSize(1);
        assertThat(settled.getString("cursor")).isNotEqualTo(start);
        assertThat(feed(settled.getString("cursor")).getJsonArray("events")).isEmpty();
        assertThat(feed(null).getString("cursor")).as("the starting cursor is the newest settled one")
                .isEqualTo(settled.getString("cursor"));
    }

    @Test
    @DisplayName("the feed: pages of at most 1000 entries; a full page of young entries moves the cursor anyway; 400 for a bad cursor")
    void pages() throws Exception {
        String start = feed(null).getString("cursor");
        keycloak.revokeManyOthers(FakeKeycloak.MAX_FEED_PAGE + 1);

        JsonObject first = feed(start);
        JsonObject second = feed(first.getString("cursor"));

        assertThat(first.getJsonArray("events")).hasSize(FakeKeycloak.MAX_FEED_PAGE);
        assertThat(first.getString("cursor")).isNotEqualTo(start);
        assertThat(second.getJsonArray("events")).hasSize(1);
        assertThat(call("GET", "/api-keys/revocations?since=-1", null, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api-keys/revocations?since=x", null, null).statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("the feed: a cursor beyond the newest entry (the feed was re-created) answers reset and the feed from its start")
    void reset() throws Exception {
        keycloak.revokeManyOthers(10);
        keycloak.setClock(Clock.fixed(T.plusSeconds(10), ZoneOffset.UTC)); // settled: the cursor passes them
        String old = feed("0").getString("cursor");
        assertThat(old).isEqualTo("10");
        keycloak.recreateFeed();
        keycloak.revokeManyOthers(2);

        JsonObject answer = feed(old);

        assertThat(answer.getBoolean("reset")).isTrue();
        assertThat(answer.getJsonArray("events")).hasSize(2);
        assertThat(feed("2").containsKey("reset")).as("the newest entry's own cursor is no reset").isFalse();
    }

    @Test
    @DisplayName("the re-check: at most 1000 string ids, else 400; answers the inactive ones (revoked, unknown, expired)")
    void recheck() throws Exception {
        FakeKeycloak.Key live = keycloak.mintKey("eve");
        FakeKeycloak.Key expired = keycloak.mintKeyExpiringAt(T.minusSeconds(1), "fay");
        JsonArray ids = new JsonArray().add(live.keyId()).add(expired.keyId()).add("unknown");
        JsonArray tooMany = new JsonArray(IntStream.range(0, FakeKeycloak.MAX_CHECK_IDS + 1).mapToObj(i -> "k" + i).toList());

        HttpResponse<String> answer = call("POST", "/api-keys/revocations/check", "application/json",
                new JsonObject().put("key_ids", ids).encode());

        assertThat(new JsonObject(answer.body()).getJsonArray("inactive")).containsExactlyInAnyOrder(expired.keyId(), "unknown");
        assertThat(call("POST", "/api-keys/revocations/check", "application/json",
                new JsonObject().put("key_ids", tooMany).encode()).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api-keys/revocations/check", "application/json", "{\"key_ids\":[1]}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api-keys/revocations/check", "application/json", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("a rotation publishes the old and the new key until the old one is retired")
    void rotation() throws Exception {
        String kid = keycloak.rotateSigningKey();

        assertThat(call("GET", "/protocol/openid-connect/certs", null, null).body()).contains("\"test-key\"").contains(kid);
        keycloak.retirePreviousKeys();
        assertThat(call("GET", "/protocol/openid-connect/certs", null, null).body()).doesNotContain("\"test-key\"").contains(kid);
    }

    static String entry(String extra) {
        return "{\"day\":\"2031-05-04\",\"channel\":\"api\",\"user_id\":\"u1\",\"requests\":1" + extra + "}";
    }

    static String batch(String id, String... entries) {
        return "{\"batch_id\":\"" + id + "\",\"source\":\"gw-1\",\"entries\":[" + String.join(",", entries) + "]}";
    }

    HttpResponse<String> usage(String body) throws Exception {
        return call("POST", "/usage/batches", "application/json", body);
    }

    @Test
    @DisplayName("usage batches: stored once per batch_id (a repeat answers duplicate), whole or not at all")
    void usageIdempotent() throws Exception {
        String id = "0b9c5f4e-6a1d-4c55-9d7e-2f7a1b3c4d5e";
        assertThat(new JsonObject(usage(batch(id, entry(""), entry(",\"refused\":2"))).body()).getMap())
                .containsEntry("accepted", 2).containsEntry("duplicate", false);
        assertThat(new JsonObject(usage(batch(id, entry(""))).body()).getMap())
                .containsEntry("accepted", 0).containsEntry("duplicate", true);
        assertThat(usage(batch("1b9c5f4e-6a1d-4c55-9d7e-2f7a1b3c4d5e", entry(""), entry(",\"requests\":-1"))).statusCode())
                .isEqualTo(400);
        assertThat(keycloak.usageEntries()).hasSize(2);
    }

    @Test
    @DisplayName("usage batches: 400 invalid_request for whatever the contract does not allow")
    void usageStrict() throws Exception {
        String id = "2b9c5f4e-6a1d-4c55-9d7e-2f7a1b3c4d5e";
        for (String bad : new String[] {
                batch("not-a-uuid", entry("")),
                "{\"batch_id\":\"" + id + "\",\"batch_id\":\"" + id + "\",\"source\":\"gw\",\"entries\":[]}",
                batch(id, entry(",\"requests\":2")), // a repeated member inside an entry
                batch(id, entry(",\"user_email\":\"a@b.c\"")), // user_email off the ui channel
                batch(id, "{\"day\":\"2031-05-04\",\"channel\":\"api\",\"user_id\":\"u1\",\"requests\":0}"),
                batch(id, entry(",\"surprise\":1")),
                batch(id, entry(",\"model\":\"" + "m".repeat(256) + "\"")),
                batch(id, entry("").replace("2031-05-04", "2031-04-02")), // 32 days back
                batch(id, entry("").replace("2031-05-04", "2031-05-06")), // 2 days ahead
                batch(id, entry(",\"prompt_tokens\":9007199254740993")),
                batch(id, entry("").replace("\"api\"", "\"web\"")),
                batch(id, entry("").replace("\"user_id\":\"u1\",", "")),
        }) {
            HttpResponse<String> answer = usage(bad);
            assertThat(answer.statusCode()).as(bad).isEqualTo(400);
            assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("invalid_request");
        }
        assertThat(usage(batch(id, entry("").replace("\"api\"", "\"ui\"").replace("}", ",\"user_email\":\"a@b.c\"}")))
                .statusCode()).isEqualTo(200);
        assertThat(keycloak.usageBatches()).singleElement().extracting(FakeKeycloak.UsageBatch::batchId).isEqualTo(id);
    }
}
