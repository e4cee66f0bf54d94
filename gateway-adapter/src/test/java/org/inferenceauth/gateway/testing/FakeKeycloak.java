package org.inferenceauth.gateway.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.apikey.format.ParsedApiKey;

/**
 * A stand-in for the realm's gateway-facing endpoints (introspection, revocation feed, batch
 * re-check, JWKS) implementing docs/api-keys-contract.md, for component tests of the gateway.
 * The integration tests run the same scenarios against the real Keycloak.
 */
public final class FakeKeycloak implements AutoCloseable {

    public static final String CLIENT_ID = "inference-gateway";
    public static final String CLIENT_SECRET = "fake-secret";
    private static final String PATH = "/realms/inference";
    private static final int FEED_PAGE = 10;

    /** A key the fake knows, with what introspection says about it. */
    public record Key(String token, String keyId, String subject, String username, String project, Set<String> scopes) {}

    private final Vertx vertx;
    private final RSAKey signingKey;
    private final Map<String, Key> activeKeys = new ConcurrentHashMap<>();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger checks = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean feedSilent;
    private volatile boolean feedBroken;
    private volatile boolean feedReplaying;
    private final AtomicInteger feedReads = new AtomicInteger();
    private volatile boolean checkBroken;
    private volatile boolean refusingGateway;
    private volatile Duration introspectionDelay = Duration.ZERO;
    private HttpServer server;

    public FakeKeycloak(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.signingKey = new RSAKeyGenerator(2048).keyID("test-key").generate();
    }

    private int port;

    public FakeKeycloak start() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").await();
        port = server.actualPort();
        return this;
    }

    /** Stops listening: connections are refused, as when Keycloak is down. {@link #start()} comes back on the same port. */
    public void stop() {
        server.close().await();
    }

    public String issuer() {
        return "http://127.0.0.1:" + port + PATH;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().await();
        }
    }

    /** Every endpoint answers 503 (connection-level outage is tested by stopping the server). */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** Revocations stop appearing in the feed (only the batch re-check can find them). */
    public void setFeedSilent(boolean silent) {
        this.feedSilent = silent;
    }

    /** The feed endpoint answers 500 (e.g. an older extension without it); the other endpoints work. */
    /** The real feed re-sends its freshest entries without moving the cursor (at-least-once). */
    public void setFeedReplaying(boolean replaying) {
        this.feedReplaying = replaying;
    }

    public int feedReads() {
        return feedReads.get();
    }

    public void setFeedBroken(boolean broken) {
        this.feedBroken = broken;
    }

    /** The batch re-check answers 500; the other endpoints work. */
    public void setCheckBroken(boolean broken) {
        this.checkBroken = broken;
    }

    /** Every gateway call gets 401, as after the gateway's client secret was rotated or its client disabled. */
    public void setRefusingGateway(boolean refusing) {
        this.refusingGateway = refusing;
    }

    /** The realm's public signing key (for forging tokens in the ways attackers try). */
    public RSAKey publicKey() {
        return signingKey.toPublicJWK();
    }

    public void setIntrospectionDelay(Duration delay) {
        this.introspectionDelay = delay;
    }

    public int introspections() {
        return introspections.get();
    }

    public int checks() {
        return checks.get();
    }

    public Key mintKey(String username, String... scopes) {
        ParsedApiKey parsed = ApiKeyFormat.defaultFormat().generate();
        Key key = new Key(parsed.token(), parsed.keyId(), "sub-" + username, username, "personal", Set.of(scopes));
        activeKeys.put(key.token(), key);
        return key;
    }

    public void revokeKey(Key key) {
        activeKeys.remove(key.token());
        if (!feedSilent) {
            events.add(new JsonObject().put("type", "key_revoked").put("key_id", key.keyId()).put("sub", key.subject()));
        }
    }

    public void disableUser(String subject) {
        activeKeys.values().removeIf(k -> k.subject().equals(subject));
        events.add(new JsonObject().put("type", "user_disabled").put("sub", subject));
    }

    /** A signed access token as Keycloak issues them; {@code customise} may change any claim. */
    public String accessToken(String subject, Consumer<JWTClaimsSet.Builder> customise) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer()).subject(subject).audience(List.of("inference-gateway", "account"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("typ", "Bearer").claim("azp", "open-webui").claim("preferred_username", "user-" + subject)
                .claim("scope", "openid profile email")
                .claim("realm_access", Map.of("roles", List.of("inference-user", "offline_access")));
        customise.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (down) {
            request.response().setStatusCode(503).end();
            return;
        }
        if (path.equals(PATH + "/protocol/openid-connect/certs")) {
            request.response().putHeader("content-type", "application/json")
                    .end(new JWKSet(signingKey.toPublicJWK()).toString());
            return;
        }
        if (refusingGateway || !authorized(request)) {
            request.response().setStatusCode(401).end("{\"error\":\"unauthorized_client\"}");
            return;
        }
        request.body().onSuccess(body -> {
            switch (path) {
                case PATH + "/api-keys/introspect" -> {
                    introspections.incrementAndGet();
                    String token = formValue(body.toString(), "token");
                    JsonObject answer = introspect(token);
                    if (introspectionDelay.isZero()) {
                        json(request, answer);
                    } else {
                        vertx.setTimer(introspectionDelay.toMillis(), t -> json(request, answer));
                    }
                }
                case PATH + "/api-keys/revocations" -> {
                    if (feedBroken) {
                        request.response().setStatusCode(500).end();
                    } else {
                        feed(request);
                    }
                }
                case PATH + "/api-keys/revocations/check" -> {
                    checks.incrementAndGet();
                    if (checkBroken) {
                        request.response().setStatusCode(500).end();
                        return;
                    }
                    JsonArray inactive = new JsonArray();
                    Set<String> activeIds = Set.copyOf(activeKeys.values().stream().map(Key::keyId).toList());
                    for (Object id : body.toJsonObject().getJsonArray("key_ids")) {
                        if (!activeIds.contains(id)) {
                            inactive.add(id);
                        }
                    }
                    json(request, new JsonObject().put("inactive", inactive));
                }
                default -> request.response().setStatusCode(404).end();
            }
        });
    }

    private JsonObject introspect(String token) {
        Key key = token == null ? null : activeKeys.get(token);
        if (key == null) {
            return new JsonObject().put("active", false);
        }
        return new JsonObject().put("active", true).put("sub", key.subject()).put("username", key.username())
                .put("email", key.username() + "@example.edu").put("key_id", key.keyId()).put("project", key.project())
                .put("scope", String.join(" ", key.scopes())).put("iat", Instant.now().getEpochSecond() - 60)
                .put("client_id", "account-console").put("token_type", "api_key");
    }

    /** Pages of at most {@link #FEED_PAGE} events, as the real feed (1000 there). */
    private void feed(HttpServerRequest request) {
        String since = request.getParam("since");
        int from = since == null ? events.size() : Math.min(Integer.parseInt(since), events.size());
        feedReads.incrementAndGet();
        if (feedReplaying && since != null && from > 0) {
            List<JsonObject> fresh = new ArrayList<>(events.subList(Math.max(0, from - 1), from));
            json(request, new JsonObject().put("cursor", since).put("events", new JsonArray(fresh)));
            return;
        }
        int to = Math.min(events.size(), from + FEED_PAGE);
        List<JsonObject> page = new ArrayList<>(events.subList(from, to));
        json(request, new JsonObject().put("cursor", Integer.toString(to)).put("events", new JsonArray(page)));
    }

    /** Revokes many throw-away keys, so that the feed has several pages. */
    public void revokeManyOthers(int count) {
        for (int i = 0; i < count; i++) {
            events.add(new JsonObject().put("type", "key_revoked").put("key_id", "other" + i).put("sub", "someone"));
        }
    }

    private static boolean authorized(HttpServerRequest request) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        return expected.equals(request.getHeader("authorization"));
    }

    private static String formValue(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void json(HttpServerRequest request, JsonObject body) {
        request.response().putHeader("content-type", "application/json").end(body.encode());
    }
}
