package org.inferenceauth.gateway.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * It is as strict as the real endpoints ({@code GatewayEndpoints} in keycloak-extensions): keys
 * carry {@code exp} (the realm's default maximum lifetime unless minted otherwise), the feed's
 * cursor never passes an entry younger than 2 s (so recent entries come again), pages hold at most
 * 1000 entries, the re-check takes at most 1000 ids, introspection wants exactly one
 * {@code token}, and the signing key can be rotated. The integration tests run the same scenarios
 * against the real Keycloak.
 */
public final class FakeKeycloak implements AutoCloseable {

    public static final String CLIENT_ID = "inference-gateway";
    public static final String CLIENT_SECRET = "fake-secret";
    private static final String PATH = "/realms/inference";
    /** The real limits (GatewayEndpoints.MAX_FEED_PAGE, MAX_CHECK_IDS, REPLAY_SECONDS). */
    public static final int MAX_FEED_PAGE = 1000;
    public static final int MAX_CHECK_IDS = 1000;
    static final Duration REPLAY = Duration.ofSeconds(2);
    /** The realm's default maxLifetimeDays: a key minted without an expiry gets it. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(365);

    /** A key the fake knows, with what introspection says about it; {@code expiresAt} null = never expires. */
    public record Key(String token, String keyId, String subject, String username, String project, Set<String> scopes,
                      Instant expiresAt) {}

    /** One revocation-feed entry; its id is its position in the feed, counted from 1 (cursor 0 = before all). */
    private record FeedEntry(JsonObject event, Instant createdAt) {}

    private final Vertx vertx;
    private volatile RSAKey signingKey;
    private final List<RSAKey> publishedKeys = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksReads = new AtomicInteger();
    private final Map<String, Key> activeKeys = new ConcurrentHashMap<>();
    private final List<FeedEntry> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger checks = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean feedSilent;
    private volatile boolean feedBroken;
    private final AtomicInteger feedReads = new AtomicInteger();
    private final AtomicInteger badRequests = new AtomicInteger();
    private volatile boolean checkBroken;
    private volatile boolean refusingGateway;
    private volatile Duration introspectionDelay = Duration.ZERO;
    private volatile Duration feedDelay = Duration.ZERO;
    private volatile Duration checkDelay = Duration.ZERO;
    private volatile Clock clock = Clock.systemUTC();
    private final FakeUsageBatches usage = new FakeUsageBatches(() -> clock);
    private final AtomicInteger usagePosts = new AtomicInteger();
    private final AtomicInteger lostUsageAnswers = new AtomicInteger();
    private final Map<String, JsonObject> limitsBySubject = new ConcurrentHashMap<>();
    private HttpServer server;
    private io.vertx.core.net.PemKeyCertOptions tls;
    private final Map<String, String> serviceAccounts = new ConcurrentHashMap<>();
    private final AtomicInteger tokenExchanges = new AtomicInteger();
    private volatile Duration serviceTokenLifetime = Duration.ofMinutes(5);
    private volatile Duration tokenDelay = Duration.ZERO;

    public FakeKeycloak(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.signingKey = new RSAKeyGenerator(2048).keyID("test-key").generate();
        this.publishedKeys.add(signingKey);
    }

    private int port;

    public FakeKeycloak start() {
        io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions();
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(tls);
        }
        server = vertx.createHttpServer(options).requestHandler(this::handle).listen(port, "127.0.0.1").await();
        port = server.actualPort();
        return this;
    }

    /** Stops listening: connections are refused, as when Keycloak is down. {@link #start()} comes back on the same port. */
    public void stop() {
        server.close().await();
    }

    public String issuer() {
        return (tls != null ? "https" : "http") + "://127.0.0.1:" + port + PATH;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().await();
        }
    }

    /** Serves HTTPS with this certificate from the next {@link #start()} on. */
    public FakeKeycloak withTls(io.vertx.core.net.PemKeyCertOptions certificate) {
        this.tls = certificate;
        return this;
    }

    /** A confidential client with a service account (client-credentials grant), as the realm's example-service. */
    public void addServiceAccount(String clientId, String secret) {
        serviceAccounts.put(clientId, secret);
    }

    /** How many client-credentials grants were asked for, right or wrong. */
    public int tokenExchanges() {
        return tokenExchanges.get();
    }

    /** The {@code expires_in} of service-account tokens issued from now on. */
    public void setServiceTokenLifetime(Duration lifetime) {
        this.serviceTokenLifetime = lifetime;
    }

    /** How long the token endpoint takes to answer. */
    public void setTokenDelay(Duration delay) {
        this.tokenDelay = delay;
    }

    /** Every endpoint answers 503 (connection-level outage is tested by stopping the server). */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** How long the revocation feed takes to answer (counted as read when asked). */
    public void setFeedDelay(Duration delay) {
        this.feedDelay = delay;
    }

    /** How long the batch re-check takes to answer (counted when asked, answered as things are then). */
    public void setCheckDelay(Duration delay) {
        this.checkDelay = delay;
    }

    /** Revocations stop appearing in the feed (only the batch re-check can find them). */
    public void setFeedSilent(boolean silent) {
        this.feedSilent = silent;
    }

    public int feedReads() {
        return feedReads.get();
    }

    /** The feed endpoint answers 500 (e.g. an older extension without it); the other endpoints work. */
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

    /** A key with the realm's default lifetime (365 days), as when the owner names no expiry. */
    public Key mintKey(String username, String... scopes) {
        return mintKeyExpiringAt(clock.instant().plus(DEFAULT_LIFETIME), username, scopes);
    }

    public void revokeKey(Key key) {
        activeKeys.remove(key.token());
        if (!feedSilent) {
            addEvent(new JsonObject().put("type", "key_revoked").put("key_id", key.keyId()).put("sub", key.subject()));
        }
    }

    /** A realm-wide change (a role taken from a group, a group deleted…): the feed says "re-check every key". */
    public void announceRecheckAll() {
        addEvent(new JsonObject().put("type", "recheck_all"));
    }

    /** The realm's feed table re-created (an operator dropped it): entries start again from id 1. */
    public void recreateFeed() {
        events.clear();
    }

    public void disableUser(String subject) {
        activeKeys.values().removeIf(k -> k.subject().equals(subject));
        addEvent(new JsonObject().put("type", "user_disabled").put("sub", subject));
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
        RSAKey key = signingKey;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (down) {
            request.response().setStatusCode(503).end();
            return;
        }
        if (path.equals(PATH + "/protocol/openid-connect/certs")) {
            jwks(request);
            return;
        }
        if (path.equals(PATH + "/protocol/openid-connect/token")) {
            request.body().onSuccess(body -> clientCredentials(request, body.toString()));
            return;
        }
        if (refusingGateway || !authorized(request)) {
            request.response().setStatusCode(401).end("{\"error\":\"unauthorized_client\"}");
            return;
        }
        request.body().onSuccess(body -> {
            switch (path) {
                case PATH + "/usage/batches" -> usageBatch(request, body.getBytes());
                case PATH + "/api-keys/introspect" -> {
                    introspections.incrementAndGet();
                    List<String> tokens = formValues(body.toString(), "token");
                    if (tokens.size() != 1 || tokens.get(0).isEmpty()) {
                        badRequest(request, "Send exactly one form parameter token.");
                        return;
                    }
                    JsonObject answer = introspect(tokens.get(0));
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
                    if (checkDelay.isZero()) {
                        check(request, body.toString());
                    } else {
                        vertx.setTimer(checkDelay.toMillis(), t -> check(request, body.toString()));
                    }
                }
                default -> request.response().setStatusCode(404).end();
            }
        });
    }

    /** As Keycloak: {@code client_secret_post}; an unknown client is {@code invalid_client}, a wrong secret {@code unauthorized_client}. */
    private void clientCredentials(HttpServerRequest request, String form) {
        tokenExchanges.incrementAndGet();
        List<String> grant = formValues(form, "grant_type");
        List<String> ids = formValues(form, "client_id");
        List<String> secrets = formValues(form, "client_secret");
        if (!grant.equals(List.of("client_credentials")) || ids.size() != 1 || secrets.size() != 1) {
            badRequest(request, "Send grant_type=client_credentials, client_id and client_secret.");
            return;
        }
        String expected = serviceAccounts.get(ids.get(0));
        if (expected == null) {
            request.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":\"invalid_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
            return;
        }
        if (!expected.equals(secrets.get(0))) {
            request.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":\"unauthorized_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
            return;
        }
        Duration lifetime = serviceTokenLifetime;
        String clientId = ids.get(0);
        JsonObject answer;
        try {
            String token = accessToken("sa-" + clientId, claims -> claims
                    .expirationTime(Date.from(Instant.now().plus(lifetime)))
                    .claim("azp", clientId).claim("preferred_username", "service-account-" + clientId)
                    .claim("scope", "profile email"));
            answer = new JsonObject().put("access_token", token).put("expires_in", lifetime.toSeconds())
                    .put("token_type", "Bearer").put("scope", "profile email");
        } catch (Exception e) {
            request.response().setStatusCode(500).end();
            return;
        }
        if (tokenDelay.isZero()) {
            json(request, answer);
        } else {
            vertx.setTimer(tokenDelay.toMillis(), t -> json(request, answer));
        }
    }

    private JsonObject introspect(String token) {
        Key key = activeKeys.get(token);
        if (key == null || !unexpired(key)) {
            return new JsonObject().put("active", false);
        }
        JsonObject answer = new JsonObject().put("active", true).put("sub", key.subject()).put("username", key.username())
                .put("email", key.username() + "@example.edu").put("key_id", key.keyId()).put("project", key.project())
                .put("scope", String.join(" ", key.scopes()));
        if (key.expiresAt() != null) {
            answer.put("exp", key.expiresAt().getEpochSecond());
        }
        JsonObject limits = limitsBySubject.get(key.subject());
        if (limits != null) {
            answer.put("limits", limits.copy());
        }
        return answer.put("iat", Instant.now().getEpochSecond() - 60)
                .put("client_id", "account-console").put("token_type", "api_key");
    }

    /**
     * From now on, introspecting any key of {@code username} answers this {@code limits} object
     * (issue 12: {@code user}, {@code project}, {@code key}, {@code default_user}); without
     * it the answer has no {@code limits}, as an older Keycloak's.
     */
    public void setLimits(String username, JsonObject limits) {
        limitsBySubject.put("sub-" + username, limits);
    }

    /** Revokes many throw-away keys, so that the feed has several pages. */
    public void revokeManyOthers(int count) {
        for (int i = 0; i < count; i++) {
            addEvent(new JsonObject().put("type", "key_revoked").put("key_id", "other" + i).put("sub", "someone"));
        }
    }

    private static boolean authorized(HttpServerRequest request) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        return expected.equals(request.getHeader("authorization"));
    }

    private static List<String> formValues(String form, String name) {
        List<String> values = new ArrayList<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String field = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (field.equals(name)) {
                values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void json(HttpServerRequest request, JsonObject body) {
        request.response().putHeader("content-type", "application/json").end(body.encode());
    }

    // ---- Strictness of the real endpoints: expiring keys, the feed's replay window, the re-check's
    // ---- limits, 400 answers, signing-key rotation.

    /** A key that expires at {@code expiresAt} ({@code null}: never, as in a realm with maxLifetimeDays=0). */
    public Key mintKeyExpiringAt(Instant expiresAt, String username, String... scopes) {
        return mint(expiresAt, username, "personal", scopes);
    }

    /** A key of the project {@code project} (a group under /projects), with the default lifetime. */
    public Key mintKeyInProject(String username, String project, String... scopes) {
        return mint(clock.instant().plus(DEFAULT_LIFETIME), username, project, scopes);
    }

    private Key mint(Instant expiresAt, String username, String project, String... scopes) {
        ParsedApiKey parsed = ApiKeyFormat.defaultFormat().generate();
        Instant exp = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.SECONDS);
        Key key = new Key(parsed.token(), parsed.keyId(), "sub-" + username, username, project, Set.of(scopes), exp);
        activeKeys.put(key.token(), key);
        return key;
    }

    /** The realm's clock (key expiry, the feed's replay window); the machine's unless a test sets one. */
    public void setClock(Clock clock) {
        this.clock = clock;
    }

    private boolean unexpired(Key key) {
        return key.expiresAt() == null || clock.instant().isBefore(key.expiresAt());
    }

    /** 400 answers the fake gave (a missing or repeated token, an oversized re-check): gateway bugs, all of them. */
    public int badRequests() {
        return badRequests.get();
    }

    /**
     * Starts signing with a new key, as after a rotation in the realm's Keys tab: the JWKS lists the
     * new key and the previous ones until {@link #retirePreviousKeys()}.
     *
     * @return the new key's {@code kid}
     */
    public String rotateSigningKey() throws Exception {
        RSAKey next = new RSAKeyGenerator(2048).keyID("test-key-" + (publishedKeys.size() + 1)).generate();
        publishedKeys.add(next);
        signingKey = next;
        return next.getKeyID();
    }

    /** The JWKS lists only the current signing key. */
    public void retirePreviousKeys() {
        publishedKeys.removeIf(key -> key != signingKey);
    }

    public int jwksReads() {
        return jwksReads.get();
    }

    private void jwks(HttpServerRequest request) {
        jwksReads.incrementAndGet();
        List<JWK> keys = publishedKeys.stream().map(k -> (JWK) k.toPublicJWK()).toList();
        request.response().putHeader("content-type", "application/json").end(new JWKSet(keys).toString());
    }

    private void addEvent(JsonObject event) {
        events.add(new FeedEntry(event, clock.instant()));
    }

    /**
     * As the real feed: up to {@value #MAX_FEED_PAGE} entries after {@code since}; the returned cursor
     * stops before the first entry younger than {@link #REPLAY} (those come again next time), unless a
     * whole page is that young. Without {@code since}: the newest settled cursor, no entries. A cursor
     * beyond the newest entry ({@link #recreateFeed}): {@code "reset":true} and the feed from its start.
     */
    private void feed(HttpServerRequest request) {
        feedReads.incrementAndGet();
        if (feedDelay.isZero()) {
            answerFeed(request);
        } else {
            vertx.setTimer(feedDelay.toMillis(), t -> answerFeed(request));
        }
    }

    private void answerFeed(HttpServerRequest request) {
        Instant settledBy = clock.instant().minus(REPLAY);
        List<FeedEntry> all = List.copyOf(events);
        String since = request.getParam("since");
        if (since == null) {
            int latest = 0;
            while (latest < all.size() && !all.get(latest).createdAt().isAfter(settledBy)) {
                latest++;
            }
            json(request, new JsonObject().put("cursor", Integer.toString(latest)).put("events", new JsonArray()));
            return;
        }
        int cursor;
        try {
            cursor = Integer.parseInt(since);
        } catch (NumberFormatException e) {
            badRequest(request, "since must be a cursor of this feed.");
            return;
        }
        if (cursor < 0) {
            badRequest(request, "since must be a cursor of this feed.");
            return;
        }
        // Beyond the newest entry: the feed was re-created since; every entry is new to this reader.
        boolean reset = cursor > all.size();
        if (reset) {
            cursor = 0;
        }
        int from = cursor;
        List<FeedEntry> page = all.subList(from, Math.min(all.size(), from + MAX_FEED_PAGE));
        int next = cursor;
        for (int i = 0; i < page.size() && !page.get(i).createdAt().isAfter(settledBy); i++) {
            next = from + i + 1;
        }
        if (page.size() == MAX_FEED_PAGE && next == cursor) {
            next = from + page.size(); // a full page of recent entries: move on
        }
        JsonArray entries = new JsonArray();
        page.forEach(entry -> entries.add(entry.event()));
        JsonObject answer = new JsonObject().put("cursor", Integer.toString(next));
        if (reset) {
            answer.put("reset", true);
        }
        json(request, answer.put("events", entries));
    }

    /** {@code {"key_ids":[…]}} with at most {@value #MAX_CHECK_IDS} string ids, else 400; answers the inactive ones. */
    private void check(HttpServerRequest request, String body) {
        JsonArray ids;
        try {
            ids = new JsonObject(body).getJsonArray("key_ids");
        } catch (RuntimeException malformed) {
            ids = null;
        }
        if (ids == null || ids.size() > MAX_CHECK_IDS || !ids.stream().allMatch(String.class::isInstance)) {
            badRequest(request, "The body must be {\"key_ids\":[...]} with at most " + MAX_CHECK_IDS + " ids.");
            return;
        }
        Set<String> activeIds = Set.copyOf(activeKeys.values().stream().filter(this::unexpired).map(Key::keyId).toList());
        JsonArray inactive = new JsonArray();
        ids.stream().distinct().filter(id -> !activeIds.contains(id)).forEach(inactive::add);
        json(request, new JsonObject().put("inactive", inactive));
    }

    // ---- Usage batches (docs/usage-contract.md), see FakeUsageBatches.

    /** A stored usage batch: its id, source and entries (as sent). */
    public record UsageBatch(String batchId, String source, List<JsonObject> entries) {}

    /** The batches stored, once each, in the order they arrived. */
    public List<UsageBatch> usageBatches() {
        return usage.stored().stream().map(b -> new UsageBatch(b.batchId(), b.source(),
                b.entries().stream().map(e -> new JsonObject(e.toString())).toList())).toList();
    }

    /** Every stored entry. */
    public List<JsonObject> usageEntries() {
        return usageBatches().stream().flatMap(b -> b.entries().stream()).toList();
    }

    /** The sum of one counter over the stored entries {@code filter} accepts. */
    public long usageTotal(String counter, java.util.function.Predicate<JsonObject> filter) {
        return usageEntries().stream().filter(filter).mapToLong(e -> e.getLong(counter, 0L)).sum();
    }

    /** Usage posts received (duplicates, refusals and lost answers included). */
    public int usagePosts() {
        return usagePosts.get();
    }

    /** The next {@code count} batches are stored, but their answers are lost (500), as when a connection drops after the commit. */
    public void loseUsageAnswers(int count) {
        lostUsageAnswers.set(count);
    }

    private void usageBatch(HttpServerRequest request, byte[] body) {
        usagePosts.incrementAndGet();
        FakeUsageBatches.Answer answer = usage.post(body);
        if (answer.status() == 400) {
            badRequests.incrementAndGet();
        }
        if (answer.status() == 200 && lostUsageAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            request.response().setStatusCode(500).end();
            return;
        }
        request.response().setStatusCode(answer.status()).putHeader("content-type", "application/json").end(answer.body());
    }

    private void badRequest(HttpServerRequest request, String description) {
        badRequests.incrementAndGet();
        request.response().setStatusCode(400).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", "invalid_request").put("error_description", description).encode());
    }
}
