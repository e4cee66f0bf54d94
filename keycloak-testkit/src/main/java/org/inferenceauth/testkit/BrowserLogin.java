package org.inferenceauth.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Logs a user in through Keycloak's real login form over HTTP: the authorization-code flow with
 * PKCE, as a browser and a web application would do it, without a browser.
 *
 * <p>It keeps its own cookie jar because Keycloak marks its login cookies {@code Secure} even on
 * {@code http://localhost}, which {@link java.net.CookieManager} then refuses to send back. The jar
 * honours cookie paths: two realms of one server set cookies of the same name (e.g.
 * {@code AUTH_SESSION_ID}) on different paths, and a brokered login passes through both.
 */
public final class BrowserLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final Map<CookieKey, String> cookies = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param issuer       realm issuer, e.g. {@code http://localhost:8080/realms/inference}
     * @param clientSecret {@code null} for a public client
     */
    public BrowserLogin(String issuer, String clientId, String clientSecret, String redirectUri) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
    }

    /** Logs in with the account console's public client (tokens as the account console has them). */
    public static BrowserLogin accountConsole(KeycloakServer server, String realm) {
        return new BrowserLogin(server.getIssuer(realm), TestRealm.ACCOUNT_CONSOLE_CLIENT, null,
                server.getIssuer(realm) + "/account/");
    }

    /** Logs in with the web UI's confidential client. */
    public static BrowserLogin webUi(KeycloakServer server) {
        return new BrowserLogin(server.getIssuer(TestRealm.REALM), TestRealm.WEB_UI_CLIENT, TestRealm.WEB_UI_SECRET,
                TestRealm.WEB_UI_REDIRECT_URI);
    }

    /** Fills in the login form and exchanges the code; returns the token response. */
    public Tokens login(String username, String password) {
        return login(username, password, Map.of());
    }

    /**
     * Like {@link #login(String, String)}, with extra authorization request parameters such as
     * {@code max_age} or {@code prompt}. When the SSO session is still valid and no login is
     * required, the form is skipped, as in a browser.
     */
    public Tokens login(String username, String password, Map<String, String> extraParameters) {
        Authorization authorization = authorization(extraParameters);
        HttpResponse<String> page = get(authorization.uri());
        if (page.statusCode() != 302) {
            page = submitLoginForm(page, username, password);
            if (page.statusCode() != 302) {
                throw new LoginRefusedException(page.statusCode(), page.body());
            }
        }
        return exchange(authorization, location(page));
    }

    /**
     * Logs in through the realm's identity provider {@code alias}, as a browser does after a click on
     * its button ({@code kc_idp_hint} here): Keycloak redirects to the provider's authorization
     * endpoint, whose login form (a Keycloak realm playing the provider) is filled in, then every
     * redirect back is followed by hand until Keycloak either sends the code to the client (then
     * exchanged for tokens) or shows a page of its own (a refusal, an error, a question).
     */
    public Brokered loginThroughProvider(String alias, String username, String password, Map<String, String> extraParameters) {
        Map<String, String> params = new LinkedHashMap<>(extraParameters);
        params.put("kc_idp_hint", alias);
        Authorization authorization = authorization(params);
        // Keycloak passes through its own broker endpoint (/broker/<alias>/login) on the way out.
        HttpResponse<String> toProvider = get(authorization.uri());
        URI upstream = null;
        for (int hops = 0; upstream == null && hops < 5; hops++) {
            if (!isRedirect(toProvider)) {
                throw new IllegalStateException("Keycloak did not send the browser to provider " + alias + " (HTTP "
                        + toProvider.statusCode() + ")");
            }
            URI next = toProvider.uri().resolve(location(toProvider));
            if (next.toString().startsWith(issuer + "/")) {
                toProvider = get(next);
            } else {
                upstream = next;
            }
        }
        if (upstream == null) {
            throw new IllegalStateException("Keycloak kept the browser to itself instead of sending it to " + alias);
        }
        HttpResponse<String> response = get(upstream);
        if (response.statusCode() == 200) {
            response = submitLoginForm(response, username, password);
        }
        return complete(new Brokered(authorization, upstream, null, response), response);
    }

    /**
     * Continues a brokered login from {@code response} (e.g. after the test answered a page of
     * Keycloak's): follows redirects, and exchanges the code when Keycloak sends it to the client.
     */
    public Brokered complete(Brokered trip, HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int hops = 0; isRedirect(current) && hops < 20; hops++) {
            String next = location(current);
            if (next.startsWith(redirectUri)) {
                return new Brokered(trip.authorization(), trip.upstreamAuthorization(), exchange(trip.authorization(), next), current);
            }
            current = get(current.uri().resolve(next));
        }
        return new Brokered(trip.authorization(), trip.upstreamAuthorization(), null, current);
    }

    private Authorization authorization(Map<String, String> extraParameters) {
        String verifier = randomToken();
        String state = randomToken();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("state", state);
        params.put("nonce", randomToken());
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        params.putAll(extraParameters);
        return new Authorization(URI.create(issuer + "/protocol/openid-connect/auth?" + form(params)), verifier, state);
    }

    /** Posts username and password to the form on {@code page} (Keycloak's login form, of any realm). */
    private HttpResponse<String> submitLoginForm(HttpResponse<String> page, String username, String password) {
        Matcher action = FORM_ACTION.matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException("No login form (HTTP " + page.statusCode() + ")");
        }
        return post(page.uri().resolve(action.group(1).replace("&amp;", "&")),
                Map.of("username", username, "password", password, "credentialId", ""));
    }

    private Tokens exchange(Authorization authorization, String location) {
        Map<String, String> answer = query(URI.create(location));
        if (!authorization.state().equals(answer.get("state")) || answer.get("code") == null) {
            throw new IllegalStateException("Authorization failed: " + answer.getOrDefault("error", "no code"));
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", answer.get("code"));
        exchange.put("redirect_uri", redirectUri);
        exchange.put("client_id", clientId);
        exchange.put("code_verifier", authorization.verifier());
        if (clientSecret != null) {
            exchange.put("client_secret", clientSecret);
        }
        HttpResponse<String> token = post(URI.create(issuer + "/protocol/openid-connect/token"), exchange);
        if (token.statusCode() != 200) {
            throw new IllegalStateException("Code exchange failed: HTTP " + token.statusCode() + " " + token.body());
        }
        return Tokens.parse(token.body());
    }

    private static boolean isRedirect(HttpResponse<?> response) {
        int status = response.statusCode();
        return (status == 301 || status == 302 || status == 303 || status == 307) && response.headers().firstValue("Location").isPresent();
    }

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(
                () -> new IllegalStateException("HTTP " + response.statusCode() + " without a Location"));
    }

    /** GET with this login's cookies, redirects not followed. */
    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** Form POST with this login's cookies, redirects not followed. */
    public HttpResponse<String> post(URI uri, Map<String, String> formFields) {
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(formFields))));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        String path = built.uri().getRawPath() == null || built.uri().getRawPath().isEmpty() ? "/" : built.uri().getRawPath();
        String header = cookies.entrySet().stream()
                .filter(c -> pathMatches(c.getKey().path(), path))
                .sorted((a, b) -> b.getKey().path().length() - a.getKey().path().length()) // RFC 6265: longer paths first
                .map(c -> c.getKey().name() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        if (!header.isEmpty()) {
            built = HttpRequest.newBuilder(built, (name, value) -> true).header("Cookie", header).build();
        }
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            remember(response.headers());
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void remember(HttpHeaders headers) {
        for (String setCookie : headers.allValues("Set-Cookie")) {
            String[] parts = setCookie.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String path = "/";
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim();
                if (attribute.regionMatches(true, 0, "path=", 0, 5) && attribute.length() > 5) {
                    path = attribute.substring(5);
                }
            }
            CookieKey key = new CookieKey(parts[0].substring(0, eq).trim(), path);
            String value = parts[0].substring(eq + 1).trim();
            String lower = setCookie.toLowerCase();
            if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")
                    || lower.contains("expires=thu, 01-jan-1970")) {
                cookies.remove(key);
            } else {
                cookies.put(key, value);
            }
        }
    }

    /** RFC 6265 §5.1.4: the cookie path is the request path or a directory prefix of it. */
    private static boolean pathMatches(String cookiePath, String requestPath) {
        return requestPath.equals(cookiePath)
                || requestPath.startsWith(cookiePath) && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    private record CookieKey(String name, String path) {}

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = uri.getRawQuery() != null ? uri.getRawQuery() : "";
        String fragment = uri.getRawFragment() != null ? uri.getRawFragment() : "";
        for (String part : (query + "&" + fragment).split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An authorization request of this login: where it goes, and what the code exchange needs. */
    public record Authorization(URI uri, String verifier, String state) {}

    /**
     * A login through an identity provider.
     *
     * @param upstreamAuthorization the provider's authorization request, as Keycloak built it
     * @param tokens                the client's tokens, or {@code null} when Keycloak stopped at a page
     * @param last                  the last response: that page, or the redirect to the client
     */
    public record Brokered(Authorization authorization, URI upstreamAuthorization, Tokens tokens, HttpResponse<String> last) {

        public boolean succeeded() {
            return tokens != null;
        }

        public int status() {
            return last.statusCode();
        }

        public String page() {
            return last.body();
        }
    }

    /** The token endpoint's answer. */
    public record Tokens(String accessToken, String refreshToken, String idToken, Map<String, Object> raw) {
        static Tokens parse(String json) {
            try {
                Map<String, Object> raw = JSON.readValue(json, new TypeReference<>() {});
                return new Tokens((String) raw.get("access_token"), (String) raw.get("refresh_token"),
                        (String) raw.get("id_token"), raw);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The login form answered with a page instead of a redirect (wrong password, required action…). */
    public static final class LoginRefusedException extends IllegalStateException {
        private final int status;
        private final String page;

        LoginRefusedException(int status, String page) {
            super("Login form answered HTTP " + status + " instead of a redirect");
            this.status = status;
            this.page = page;
        }

        public int status() { return status; }

        public String page() { return page; }
    }
}
