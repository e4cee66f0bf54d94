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
 * {@code http://localhost}, which {@link java.net.CookieManager} then refuses to send back.
 */
public final class BrowserLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final Map<String, String> cookies = new LinkedHashMap<>();
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

        HttpResponse<String> page = get(URI.create(issuer + "/protocol/openid-connect/auth?" + form(params)));
        String location;
        if (page.statusCode() == 302) {
            location = page.headers().firstValue("Location").orElseThrow();
        } else {
            Matcher action = FORM_ACTION.matcher(page.body());
            if (page.statusCode() != 200 || !action.find()) {
                throw new IllegalStateException("No login form (HTTP " + page.statusCode() + ")");
            }
            HttpResponse<String> submitted = post(URI.create(action.group(1).replace("&amp;", "&")),
                    Map.of("username", username, "password", password, "credentialId", ""));
            if (submitted.statusCode() != 302) {
                throw new LoginRefusedException(submitted.statusCode(), submitted.body());
            }
            location = submitted.headers().firstValue("Location").orElseThrow();
        }
        Map<String, String> answer = query(URI.create(location));
        if (!state.equals(answer.get("state")) || answer.get("code") == null) {
            throw new IllegalStateException("Authorization failed: " + answer.getOrDefault("error", "no code"));
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", answer.get("code"));
        exchange.put("redirect_uri", redirectUri);
        exchange.put("client_id", clientId);
        exchange.put("code_verifier", verifier);
        if (clientSecret != null) {
            exchange.put("client_secret", clientSecret);
        }
        HttpResponse<String> token = post(URI.create(issuer + "/protocol/openid-connect/token"), exchange);
        if (token.statusCode() != 200) {
            throw new IllegalStateException("Code exchange failed: HTTP " + token.statusCode() + " " + token.body());
        }
        return Tokens.parse(token.body());
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
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream()
                    .map(c -> c.getKey() + "=" + c.getValue()).collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
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
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
        }
    }

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
