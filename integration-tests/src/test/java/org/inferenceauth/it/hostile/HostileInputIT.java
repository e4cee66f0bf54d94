package org.inferenceauth.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Over 10,000 generated hostile requests (1,000 per family: 10,309; 2 min on 2 cores at load 27)
 * against introspection, the revocation feed, the batch re-check, the self-service API and the
 * key-for-token grant. For every one: never accepted, never
 * a 5xx, never a key or token in the answer. Afterwards the endpoints still answer a valid key.
 * The inputs come from one seed, printed at the start; {@code -Dhostile.seed=<seed>} repeats a run,
 * {@code -Dhostile.count=<n>} sets the inputs per family.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Hostile input at the Keycloak endpoints: never accepted, never a 5xx, never a key or token echoed")
class HostileInputIT {

    static final long SEED = Long.getLong("hostile.seed", new SecureRandom().nextLong());
    static final int PER_FAMILY = Integer.getInteger("hostile.count", 1_000);
    /** Refusals of a request too large to read (body, target, headers): acceptable answers to any input. */
    static final Set<Integer> TOO_LARGE = Set.of(413, 414, 431);
    /** Beyond this, a server may also just close the connection. */
    static final int OVERSIZED = 8_192;
    static final String GRANT_TYPE = "urn:inference-auth:params:oauth:grant-type:api-key";
    static final Pattern KEY_ID = Pattern.compile("\"[0-9A-Za-z]{12}\"");
    /** Members only our API answers with (a target may also normalise to a public Keycloak page). */
    static final Pattern OUR_ANSWERS = Pattern.compile("\"(keys|cursor|active|inactive|projects)\"");

    /** One request and its verdict: {@code null} when the answer is acceptable. */
    interface Probe {
        String run() throws Exception;
    }

    record Named(String family, int index, Probe probe) {}

    private final List<Named> probes = new ArrayList<>();
    private final Map<String, Map<Integer, AtomicInteger>> statuses = new ConcurrentHashMap<>();

    private Wire wire;
    private String base;
    private String tokenPath;
    private String gatewayBasic;
    private String validKey;
    private String userToken;
    private List<String> secrets;

    @Test
    @DisplayName("never accepted, never 5xx, nothing echoed; the endpoints still serve a valid key afterwards")
    void flood(KeycloakServer keycloak) throws Exception {
        System.out.printf("[hostile] seed=%d (repeat with -Dhostile.seed=%d), %d inputs per family%n", SEED, SEED, PER_FAMILY);
        URI server = URI.create(keycloak.getAuthServerUrl());
        wire = new Wire(server.getHost(), server.getPort());
        base = "/realms/" + TestRealm.REALM + "/api-keys";
        tokenPath = "/realms/" + TestRealm.REALM + "/protocol/openid-connect/token";
        gatewayBasic = basic(TestRealm.GATEWAY_CLIENT, TestRealm.GATEWAY_SECRET);
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "hostile");
        userToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD).accessToken();
        validKey = mint();
        secrets = List.of(validKey, validKey.substring(15, 47), userToken, TestRealm.GATEWAY_SECRET, TestRealm.EXAMPLE_SERVICE_SECRET);

        HostileInputs inputs = new HostileInputs(new Random(SEED), validKey);
        RSAKey realmKey = JWKSet.load(URI.create(keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/certs").toURL())
                .getKeys().stream().filter(k -> k instanceof RSAKey && "sig".equals(k.getKeyUse().identifier()))
                .map(RSAKey.class::cast).findFirst().orElseThrow();
        String otherRealm = keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString();
        ForgedJwts jwts = new ForgedJwts(inputs, realmKey, userToken, otherRealm);

        generate(inputs, jwts);
        long started = System.nanoTime();
        List<String> failures = runAll();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[hostile] %d requests in %.1f s; statuses by family: %s%n", probes.size(), seconds, summary());

        assertThat(failures).as("hostile inputs that were accepted, answered 5xx or echoed (seed " + SEED + ")").isEmpty();
        stillServing();
    }

    /** All inputs, drawn in one fixed order from the seed; they run in parallel afterwards. */
    private void generate(HostileInputs in, ForgedJwts jwts) throws Exception {
        for (int i = 0; i < PER_FAMILY; i++) {
            String key = in.key();
            add("introspect-key", () -> introspect(form("token", key), key));
            String jwt = jwts.next();
            add("introspect-jwt", () -> introspect(form("token", jwt), jwt));
            String credential = in.random().nextBoolean() ? in.key() : jwts.next();
            boolean publicClient = in.random().nextInt(10) == 0;
            add("grant", () -> grant(credential, publicClient));
            String bearer = in.random().nextBoolean() ? in.key() : jwts.next();
            boolean delete = in.random().nextInt(4) == 0;
            add("self-service-bearer", () -> selfServiceWith(bearer, delete));
            String cursor = in.cursor();
            add("feed-cursor", () -> feed(cursor));
            String gatewayCredential = forgedGatewayCredential(in, jwts);
            int endpoint = in.random().nextInt(3);
            add("gateway-auth", () -> gatewayWith(gatewayCredential, endpoint));
            byte[] recheck = in.recheckBody();
            add("recheck-body", () -> recheck(recheck, "application/json"));
            byte[] mint = in.mintBody();
            String contentType = in.random().nextInt(8) == 0 ? in.pick(List.of("text/plain", "application/x-www-form-urlencoded", "")) : "application/json";
            add("mint-body", () -> mintWith(mint, contentType));
            String keyIdSegment = in.keyIdSegment();
            add("revoke-id", () -> revoke(keyIdSegment));
        }
        for (int i = 0; i < Math.max(20, PER_FAMILY / 2); i++) {
            String method = in.pick(List.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD"));
            byte[] target = oddTarget(in);
            boolean asGateway = in.random().nextBoolean();
            add("odd-path", () -> oddPath(method, target, asGateway));
        }
        for (int i = 0; i < Math.max(12, PER_FAMILY / 5); i++) {
            byte[] introspectForm = in.notUtf8("token=", in.text("abc", 0, 20));
            add("not-utf8", () -> introspect(introspectForm, null));
            byte[] recheckJson = in.notUtf8("{\"key_ids\":[\"", "\"]}");
            add("not-utf8", () -> recheck(recheckJson, "application/json"));
            byte[] mintJson = in.notUtf8("{\"name\":\"", "\"}");
            add("not-utf8", () -> mintWith(mintJson, "application/json; charset=utf-8"));
            byte[] grantForm = in.notUtf8(grantForm(false) + "&api_key=", "");
            add("not-utf8", () -> verdict(post(tokenPath, Map.of(), "application/x-www-form-urlencoded", grantForm), Set.of(400, 401), null));
        }
        repeatedAndOversized(in);
    }

    private void repeatedAndOversized(HostileInputs in) {
        String junk = in.key();
        add("repeated", () -> introspect(form("token", validKey) + "&" + form("token", junk), junk));
        add("repeated", () -> introspect(form("token", junk) + "&" + form("token", validKey), junk));
        add("repeated", () -> verdict(post(tokenPath, Map.of(), "application/x-www-form-urlencoded",
                bytes(grantForm(false) + "&" + form("api_key", validKey) + "&" + form("api_key", junk))), Set.of(400), junk));
        add("repeated", () -> verdict(post(tokenPath, Map.of(), "application/x-www-form-urlencoded",
                bytes(grantForm(false) + "&" + form("api_key", junk) + "&" + form("api_key", validKey))), Set.of(400), junk));
        add("repeated", () -> verdict(get(base + "/revocations?since=1&since=-1", Map.of("Authorization", gatewayBasic)),
                Set.of(200, 400), null));
        String huge = "ik_" + "A".repeat(1 << 20);
        add("oversized", () -> introspect(form("token", huge), huge));
        add("oversized", () -> verdict(post(tokenPath, Map.of(), "application/x-www-form-urlencoded",
                bytes(grantForm(false) + "&" + form("api_key", huge))), Set.of(400), huge));
        add("oversized", () -> mintWith(bytes("{\"name\":\"" + "n".repeat(2 << 20) + "\"}"), "application/json"));
        add("oversized", () -> recheck(bytes("{\"key_ids\":[\"" + "A".repeat(2 << 20) + "\"]}"), "application/json"));
    }

    // --- the endpoints, each with what it may answer ---------------------------------------------

    /** Introspection never says active: exactly {@code {"active":false}}, or a 4xx for a malformed request. */
    private String introspect(Object formBody, String credential) {
        byte[] body = formBody instanceof byte[] raw ? raw : bytes((String) formBody);
        Wire.Answer answer = post(base + "/introspect", Map.of("Authorization", gatewayBasic), "application/x-www-form-urlencoded", body);
        String problem = verdict(answer, Set.of(200, 400), credential);
        if (problem == null && answer.status() == 200 && !answer.text().endsWith("{\"active\":false}")) {
            return "introspection answered something but {\"active\":false}";
        }
        return problem;
    }

    private String grant(String credential, boolean publicClient) {
        Wire.Answer answer = post(tokenPath, Map.of(), "application/x-www-form-urlencoded",
                bytes(grantForm(publicClient) + "&" + form("api_key", credential)));
        return verdict(answer, Set.of(400, 401), credential);
    }

    private String selfServiceWith(String bearer, boolean delete) {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + headerSafe(bearer));
        Wire.Answer answer = delete ? wire.send("DELETE", base + "/" + validKey.substring(3, 15), headers, null) : get(base, headers);
        return verdict(answer, Set.of(400, 401), bearer);
    }

    private String feed(String cursor) {
        Wire.Answer answer = get(base + "/revocations?since=" + HostileInputs.percentEncode(cursor), Map.of("Authorization", gatewayBasic));
        String problem = verdict(answer, Set.of(200, 400), null);
        return problem == null && answer.status() == 200 && !answer.text().contains("\"cursor\"") ? "a feed page without a cursor" : problem;
    }

    private String gatewayWith(String credential, int endpoint) {
        Map<String, String> headers = Map.of("Authorization", credential);
        Wire.Answer answer = switch (endpoint) {
            case 0 -> post(base + "/introspect", headers, "application/x-www-form-urlencoded", bytes(form("token", validKey)));
            case 1 -> get(base + "/revocations?since=0", headers);
            default -> post(base + "/revocations/check", headers, "application/json",
                    bytes("{\"key_ids\":[\"" + validKey.substring(3, 15) + "\"]}"));
        };
        return verdict(answer, Set.of(400, 401, 403), credential);
    }

    /** The re-check answers 200 only with key ids, or refuses the body. */
    private String recheck(byte[] body, String contentType) {
        Wire.Answer answer = post(base + "/revocations/check", Map.of("Authorization", gatewayBasic), contentType, body);
        String problem = verdict(answer, Set.of(200, 400, 415), null);
        if (problem == null && answer.status() == 200) {
            String list = answer.text().substring(answer.text().indexOf("\"inactive\""));
            String withoutIds = KEY_ID.matcher(list.substring(list.indexOf('[') + 1, list.indexOf(']'))).replaceAll("").replace(",", "");
            if (!withoutIds.isBlank()) {
                return "the re-check answered something but key ids";
            }
        }
        return problem;
    }

    /** Every generated mint body is invalid: a refusal, never a new key. */
    private String mintWith(byte[] body, String contentType) {
        Wire.Answer answer = post(base, Map.of("Authorization", "Bearer " + userToken), contentType, body);
        return verdict(answer, Set.of(400, 403, 409, 415), null);
    }

    private String revoke(String keyIdSegment) {
        Wire.Answer answer = wire.send("DELETE", base + "/" + keyIdSegment, Map.of("Authorization", "Bearer " + userToken), null);
        return verdict(answer, Set.of(400, 404, 405), null);
    }

    /** Odd targets reach no 5xx; without credentials nothing succeeds; with the gateway's, no key is reported active. */
    private String oddPath(String method, byte[] target, boolean asGateway) {
        Wire.Answer answer = wire.raw(method, target, asGateway ? Map.of("Authorization", gatewayBasic) : Map.of());
        if (answer.status() < 100 || answer.status() >= 500) {
            return "HTTP " + answer.status();
        }
        if (!asGateway && answer.status() < 300 && OUR_ANSWERS.matcher(answer.text()).find()) {
            return "HTTP " + answer.status() + " from the API without credentials";
        }
        return answer.text().contains("\"active\":true") ? "a key reported active" : echo(answer, null);
    }

    // --- verdicts --------------------------------------------------------------------------------

    private String verdict(Wire.Answer answer, Set<Integer> allowed, String credential) {
        boolean oversized = credential != null && credential.length() > OVERSIZED;
        if (answer.status() == 0 && oversized) {
            return null;
        }
        if (answer.status() >= 500 || answer.status() == 0) {
            return answer.status() == 0 ? "no answer" : "HTTP " + answer.status();
        }
        if (!allowed.contains(answer.status()) && !TOO_LARGE.contains(answer.status())) {
            return "HTTP " + answer.status() + ", expected one of " + allowed;
        }
        return echo(answer, credential);
    }

    /** Neither the credential under test (if long enough to be one) nor any real secret appears in the answer. */
    private String echo(Wire.Answer answer, String credential) {
        if (credential != null && credential.length() >= 16 && answer.text().contains(credential)) {
            return "the credential is echoed";
        }
        return secrets.stream().anyMatch(answer.text()::contains) ? "a real key, token or secret is echoed" : null;
    }

    // --- plumbing --------------------------------------------------------------------------------

    private void add(String family, Probe probe) {
        probes.add(new Named(family, probes.size(), probe));
    }

    private List<String> runAll() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Named named : probes) {
                running.add(pool.submit(() -> {
                    String problem;
                    try {
                        problem = named.probe().run();
                    } catch (Exception e) {
                        problem = "no answer: " + e.getClass().getSimpleName();
                    }
                    if (problem != null) {
                        failures.add(named.family() + " #" + named.index() + ": " + problem);
                    }
                }));
            }
            for (Future<?> done : running) {
                done.get();
            }
        } finally {
            pool.shutdown();
        }
        return failures.stream().sorted().limit(30).toList();
    }

    private Wire.Answer post(String path, Map<String, String> headers, String contentType, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (!contentType.isEmpty()) {
            all.put("Content-Type", contentType);
        }
        return count(path, wire.send("POST", path, all, body));
    }

    private Wire.Answer get(String path, Map<String, String> headers) {
        return count(path, wire.send("GET", path, headers, null));
    }

    private Wire.Answer count(String path, Wire.Answer answer) {
        String endpoint = path.startsWith(tokenPath) ? "token" : path.replaceAll("\\?.*", "").replace(base, "api-keys");
        statuses.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
                .computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
        return answer;
    }

    private String summary() {
        Map<String, Map<Integer, Integer>> sorted = new TreeMap<>();
        statuses.forEach((endpoint, counts) -> {
            Map<Integer, Integer> byStatus = new TreeMap<>();
            counts.forEach((status, n) -> byStatus.put(status, n.get()));
            sorted.put(endpoint, byStatus);
        });
        return sorted.toString();
    }

    private String mint() {
        Wire.Answer created = wire.send("POST", base, Map.of("Authorization", "Bearer " + userToken, "Content-Type", "application/json"),
                bytes("{\"name\":\"the valid one\"}"));
        assertThat(created.status()).isEqualTo(201);
        return created.text().replaceAll("(?s).*\"key\":\"(ik_[0-9A-Za-z]{50})\".*", "$1");
    }

    /** The real key, token and feed still work after the flood. */
    private void stillServing() {
        assertThat(wire.send("POST", base + "/introspect", Map.of("Authorization", gatewayBasic,
                "Content-Type", "application/x-www-form-urlencoded"), bytes(form("token", validKey))).text())
                .contains("\"active\":true");
        assertThat(wire.send("POST", tokenPath, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                bytes(grantForm(false) + "&" + form("api_key", validKey))).status()).isEqualTo(200);
        assertThat(get(base + "/revocations", Map.of("Authorization", gatewayBasic)).status()).isEqualTo(200);
        assertThat(get(base, Map.of("Authorization", "Bearer " + userToken)).text()).contains("the valid one");
    }

    private String grantForm(boolean publicClient) {
        return form("grant_type", GRANT_TYPE) + (publicClient ? "&client_id=admin-cli"
                : "&" + form("client_id", TestRealm.EXAMPLE_SERVICE_CLIENT) + "&" + form("client_secret", TestRealm.EXAMPLE_SERVICE_SECRET));
    }

    private static String forgedGatewayCredential(HostileInputs in, ForgedJwts jwts) throws Exception {
        return switch (in.random().nextInt(4)) {
            case 0 -> basic(TestRealm.GATEWAY_CLIENT, in.text("abcXYZ019-_", 0, 40));
            case 1 -> basic(in.text("abcXYZ019-_:", 1, 30), in.text("abc", 1, 10));
            case 2 -> "Bearer " + headerSafe(jwts.next());
            default -> in.pick(List.of("Basic", "Basic !!!", "Bearer", "Negotiate abc", "Basic " + Base64.getEncoder()
                    .encodeToString(new byte[] {(byte) 0xFF, ':', 'x'}), "bearer " + headerSafe(in.key())));
        };
    }

    /** A target under the API, or under its admin twin, that no route expects. */
    private byte[] oddTarget(HostileInputs in) {
        String prefix = in.random().nextInt(4) == 0 ? "/admin/realms/" + TestRealm.REALM + "/api-keys" : base;
        String suffix = switch (in.random().nextInt(3)) {
            case 0 -> in.pick(List.of("/%2e%2e/introspect", "/introspect%00", "/..;/introspect", "//introspect", "/introspect/",
                    "/introspect;x=1", "/%69ntrospect", "/INTROSPECT", "/revocations%3Fsince=1", "/revocations/check/..",
                    "/%zz", "/%", "/%u002e", "/a b", "/../../../admin/realms", "/%2F%2F", "/revocations?since=%zz",
                    "/" + validKey.substring(3, 15) + "/../introspect", "/\\..\\introspect", "/introspect#frag"));
            case 1 -> "/" + in.text("abc%./;\\", 1, 30);
            default -> "/" + in.text("\u00e9\u0661\u202e\u200b", 1, 6); // sent as raw UTF-8 bytes
        };
        return (prefix + suffix).getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Header values must be visible ASCII; anything else is sent percent-encoded (still not a credential). */
    private static String headerSafe(String value) {
        return value.chars().allMatch(c -> c > 0x20 && c < 0x7F) && !value.isEmpty() ? value : HostileInputs.percentEncode(value) + "x";
    }

    private static String form(String name, String value) {
        return name + "=" + HostileInputs.percentEncode(value);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
