package org.inferenceauth.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.console.Introspection.introspect;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A client sends the user to mint an API key through Keycloak's own flow (kc_action=project-api-key-register)")
class RequiredActionApiKeyIT {

    static final String ACTION = "project-api-key-register";
    static final By HEADER = By.id("kc-page-title");
    static final By NAME = By.id("name");
    static final By PROJECT = By.id("project");
    static final By CREATE = By.id("kc-api-key-create");
    static final By CANCEL = By.id("kc-api-key-cancel");
    static final By KEY = By.id("kc-api-key");
    static final By COPY = By.id("kc-api-key-copy");
    static final By WARNING = By.id("kc-api-key-warning");
    static final By DETAILS = By.id("kc-api-key-details");
    static final By USAGE_CURL = By.id("kc-api-key-usage-curl");
    static final By USAGE_OPENAI = By.id("kc-api-key-usage-openai");
    static final By ALREADY_SHOWN = By.id("kc-api-key-already-shown");
    static final By DONE = By.id("kc-api-key-done");

    /** The web UI's authorization request, asking Keycloak to run the action after login. */
    static String authorizationRequest(KeycloakServer keycloak) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", TestRealm.WEB_UI_CLIENT);
        params.put("redirect_uri", TestRealm.WEB_UI_REDIRECT_URI);
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("state", UUID.randomUUID().toString());
        params.put("code_challenge", s256(UUID.randomUUID() + "-" + UUID.randomUUID()));
        params.put("code_challenge_method", "S256");
        params.put("kc_action", ACTION);
        return keycloak.getIssuer(TestRealm.REALM) + "/protocol/openid-connect/auth?" + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    @Test
    @DisplayName("login, name the key, see it once (a reload does not show it again), back to the web UI; the key works until revoked on the account console")
    void mintThroughRequiredAction(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "aia");

        try (Browser browser = Browser.open("required-action-api-key")) {
            browser.run(() -> {
            browser.get(authorizationRequest(keycloak));
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);

            browser.withText(HEADER, "Create an API key");
            assertThat(browser.visible(PROJECT).getText()).contains("Personal");
            browser.type(NAME, "batch jobs");
            LocalDate expiresOn = LocalDate.now(ZoneOffset.UTC).plusDays(7);
            browser.setValue(By.id("expiresOn"), expiresOn.toString());
            browser.screenshot("register-form");
            browser.click(CREATE);

            browser.withText(HEADER, "Your new API key \"batch jobs\"");
            assertThat(browser.visible(WARNING).getText()).contains("It is shown only once");
            String apiKey = browser.visible(KEY).getAttribute("value");
            assertThat(apiKey).matches("ik_[0-9A-Za-z]{50}");
            assertThat(browser.visible(COPY).getText()).isEqualTo("Copy");
            assertThat(browser.visible(USAGE_CURL).getText())
                    .contains("curl " + ConsoleTestSettings.INFERENCE_API_BASE_URL + "/models");
            assertThat(browser.visible(USAGE_OPENAI).getText())
                    .contains("base_url=\"" + ConsoleTestSettings.INFERENCE_API_BASE_URL + "\"");
            browser.screenshot("key-shown-once");

            Map<String, Object> active = introspect(keycloak, apiKey);
            assertThat(active).containsEntry("active", true).containsEntry("sub", user.getId())
                    .containsEntry("project", "personal");
            assertThat(((Number) active.get("exp")).longValue())
                    .isEqualTo(expiresOn.atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC));
            String keyId = (String) active.get("key_id");
            assertThat(browser.visible(DETAILS).getText()).contains("Key ID " + keyId).contains("project Personal");

            browser.click(COPY);
            browser.withText(COPY, "Copied");

            browser.driver().navigate().refresh();
            assertThat(browser.visible(ALREADY_SHOWN).getText())
                    .contains("The key " + keyId + " was created and shown already");
            assertThat(browser.driver().findElements(KEY)).as("no key on a reload").isEmpty();
            assertThat(browser.driver().getPageSource()).doesNotContain(apiKey);
            browser.screenshot("reload-does-not-show-key");

            browser.click(DONE);
            browser.until(ExpectedConditions.urlContains("kc_action_status=success"));
            assertThat(browser.currentUrl()).startsWith(TestRealm.WEB_UI_REDIRECT_URI).contains("code=");
            browser.screenshot("back-to-web-ui");

            // The key is one of the user's keys on the account console; revoking it there ends it.
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            assertThat(browser.visible(AccountConsoleApiKeysIT.row(keyId)).getText()).contains("batch jobs");
            browser.click(AccountConsoleApiKeysIT.revoke(keyId));
            browser.click(AccountConsoleApiKeysIT.REVOKE_CONFIRM);
            browser.withText(AccountConsoleApiKeysIT.EMPTY, "No API keys yet");
            browser.screenshot("revoked-on-account-console");
            assertThat(introspect(keycloak, apiKey)).isEqualTo(Map.of("active", false));
            });
        }
    }

    @Test
    @DisplayName("with an invalid inference.apikey.apiBaseUrl the key page shows no examples and says why")
    void noExamplesWithoutAValidBaseUrl(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "aia-nourl");
        AccountConsoleApiKeysIT.setRealmAttribute(realm, AccountConsoleApiKeysIT.API_BASE_URL, "https://gw:pw@inference.example.edu/v1");
        try (Browser browser = Browser.open("required-action-api-key-no-base-url")) {
            browser.run(() -> {
            browser.get(authorizationRequest(keycloak));
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(HEADER, "Create an API key");
            browser.type(NAME, "no examples");
            browser.click(CREATE);

            browser.withText(HEADER, "Your new API key \"no examples\"");
            assertThat(browser.visible(By.id("kc-api-key-usage-unconfigured")).getText())
                    .contains("No usage examples: the address of the inference API is set up wrongly on this site.")
                    .contains("inference.apikey.apiBaseUrl holds user info")
                    .doesNotContain("gw:pw");
            assertThat(browser.driver().findElements(USAGE_CURL)).isEmpty();
            assertThat(browser.driver().findElements(USAGE_OPENAI)).isEmpty();
            browser.screenshot("base-url-invalid");
            });
        } finally {
            AccountConsoleApiKeysIT.setRealmAttribute(realm, AccountConsoleApiKeysIT.API_BASE_URL, TestRealm.INFERENCE_API_BASE_URL);
        }
    }

    @Test
    @DisplayName("the account console's Signing in page starts the same action with its Set up button and lists the new key")
    void setUpFromSigningInPage(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "signing-in");
        By setUp = By.cssSelector("[data-testid='project-api-key/create']");
        By keyList = By.cssSelector("[data-testid='project-api-key/credential-list']");

        try (Browser browser = Browser.open("signing-in-set-up-api-key")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/account-security/signing-in");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            assertThat(browser.visible(setUp).getText()).isEqualTo("Set up API keys");
            browser.screenshot("signing-in-page");
            browser.click(setUp);

            browser.withText(HEADER, "Create an API key");
            browser.type(NAME, "from signing in");
            browser.click(CREATE);
            String apiKey = browser.visible(KEY).getAttribute("value");
            browser.screenshot("key-shown-once");
            browser.click(DONE);

            browser.until(ExpectedConditions.urlContains("/account/account-security/signing-in"));
            assertThat(browser.withText(keyList, "from signing in").getText()).contains("from signing in");
            browser.screenshot("key-listed-on-signing-in");
            assertThat(introspect(keycloak, apiKey)).containsEntry("active", true);
            });
        }
    }

    @Test
    @DisplayName("cancel returns to the web UI with kc_action_status=cancelled and mints nothing")
    void cancel(KeycloakServer keycloak) {
        var realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "aia-cancel");

        try (Browser browser = Browser.open("required-action-api-key-cancel")) {
            browser.run(() -> {
            browser.get(authorizationRequest(keycloak));
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(HEADER, "Create an API key");
            browser.type(NAME, "not wanted");
            browser.click(CANCEL);

            browser.until(ExpectedConditions.urlContains("kc_action_status=cancelled"));
            assertThat(browser.currentUrl()).startsWith(TestRealm.WEB_UI_REDIRECT_URI);
            browser.screenshot("cancelled");
            assertThat(realm.users().get(user.getId()).credentials())
                    .noneMatch(c -> "project-api-key".equals(c.getType()));
            });
        }
    }

    @Test
    @DisplayName("a refusal is shown on the form: an empty name, then a name the user already uses")
    void refusalsShownOnForm(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "aia-err");

        try (Browser browser = Browser.open("required-action-api-key-errors")) {
            browser.run(() -> {
            browser.get(authorizationRequest(keycloak));
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(HEADER, "Create an API key");
            browser.click(CREATE);
            assertThat(browser.visible(By.id("input-error-name")).getText()).isEqualTo("Please give the key a name.");
            browser.screenshot("name-missing");

            browser.type(NAME, "twice");
            browser.click(CREATE);
            browser.visible(KEY);
            browser.click(DONE);
            browser.until(ExpectedConditions.urlContains("kc_action_status=success"));

            browser.get(authorizationRequest(keycloak));
            browser.withText(HEADER, "Create an API key");
            browser.type(NAME, "twice");
            browser.click(CREATE);
            assertThat(browser.visible(By.id("input-error-name")).getText())
                    .isEqualTo("You already have a key with that name.");
            assertThat(browser.driver().findElements(KEY)).isEmpty();
            browser.screenshot("name-taken");
            });
        }
    }

    @Test
    @DisplayName("the pages ship with the extension: under Keycloak's stock 'keycloak' login theme the action mints, shows the key once and returns")
    void anyLoginTheme(KeycloakServer keycloak) {
        var realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "stock-theme");
        var rep = realm.toRepresentation();
        String ownTheme = rep.getLoginTheme();
        rep.setLoginTheme("keycloak");
        realm.update(rep);
        try {
            // A client's authorization request with kc_action; after the login form Keycloak redirects to the action.
            BrowserLogin browser = BrowserLogin.webUi(keycloak);
            HttpResponse<String> login = browser.get(URI.create(authorizationRequest(keycloak)));
            HttpResponse<String> loggedIn = browser.post(formAction(login.body()),
                    Map.of("username", user.getUsername(), "password", TestUsers.PASSWORD, "credentialId", ""));
            String registerPage = loggedIn.statusCode() == 302
                    ? browser.get(URI.create(loggedIn.headers().firstValue("Location").orElseThrow())).body() : loggedIn.body();
            assertThat(registerPage).contains("<!-- template: inference-api-key-register.ftl -->")
                    .contains("Create an API key").doesNotContain("inferenceApiKey");

            HttpResponse<String> created = browser.post(formAction(registerPage),
                    Map.of("name", "stock theme", "project", "personal", "expiresOn", "", "create", ""));
            assertThat(created.statusCode()).isEqualTo(200);
            Matcher key = Pattern.compile("id=\"kc-api-key\"[^>]*value=\"(ik_[0-9A-Za-z]{50})\"").matcher(created.body());
            assertThat(key.find()).as("the key is shown").isTrue();
            assertThat(introspect(keycloak, key.group(1))).containsEntry("active", true).containsEntry("sub", user.getId());

            HttpResponse<String> done = browser.post(formAction(created.body()), Map.of("done", ""));
            assertThat(done.statusCode()).isEqualTo(302);
            assertThat(done.headers().firstValue("Location").orElseThrow())
                    .startsWith(TestRealm.WEB_UI_REDIRECT_URI).contains("kc_action_status=success");
        } finally {
            rep.setLoginTheme(ownTheme);
            realm.update(rep);
        }
    }

    private static URI formAction(String page) {
        Matcher action = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"").matcher(page);
        assertThat(action.find()).as("the page has a form").isTrue();
        return URI.create(action.group(1).replace("&amp;", "&"));
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
