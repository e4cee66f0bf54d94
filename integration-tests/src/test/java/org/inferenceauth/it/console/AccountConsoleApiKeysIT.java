package org.inferenceauth.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.console.Introspection.introspect;

import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.inferenceauth.it.apikeys.LimitGroups;
import org.inferenceauth.it.usage.UsageApi;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A user manages API keys on the account console's API keys page, in a real browser")
class AccountConsoleApiKeysIT {

    static final By NAV_API_KEYS = By.cssSelector("[data-testid='api-keys']");
    static final By HEADING = By.cssSelector("[data-testid='page-heading']");
    static final By EMPTY = By.cssSelector("[data-testid='api-keys-empty']");
    static final By CREATE = By.cssSelector("[data-testid='api-keys-create']");
    static final By NAME = By.cssSelector("[data-testid='api-key-name']");
    static final By PROJECT = By.cssSelector("[data-testid='api-key-project']");
    static final By EXPIRY = By.cssSelector("[data-testid='api-key-expiry']");
    static final By SUBMIT = By.cssSelector("[data-testid='api-key-create-submit']");
    static final By CREATE_MODAL = By.cssSelector("[data-testid='api-key-create-modal']");
    static final By CREATED_MODAL = By.cssSelector("[data-testid='api-key-created-modal']");
    static final By NEW_KEY = By.cssSelector("[data-testid='new-api-key'] input");
    static final By USAGE_CURL = By.cssSelector("[data-testid='api-key-usage-curl']");
    static final By USAGE_OPENAI = By.cssSelector("[data-testid='api-key-usage-openai']");
    static final By CREATED_DONE = By.cssSelector("[data-testid='api-key-created-done']");
    static final By TABLE = By.cssSelector("[data-testid='api-keys-table']");
    static final By REVOKE_MODAL = By.cssSelector("[data-testid='api-key-revoke-modal']");
    static final By REVOKE_CONFIRM = By.cssSelector("[data-testid='api-key-revoke-confirm']");
    static final By LOADING = By.cssSelector("[data-testid='api-keys-loading']");
    /** The open dialog, title included (the data-testid of a PatternFly modal lands on its body). */
    static final By DIALOG = By.cssSelector("[role='dialog']");

    static By row(String keyId) {
        return By.cssSelector("[data-testid='api-key-row'][data-key-id='" + keyId + "']");
    }

    static final String LAST_USED = "[data-testid='api-key-last-used']";
    static final String USAGE = "[data-testid='api-key-usage']";
    static final By USAGE_UNCONFIGURED = By.cssSelector("[data-testid='api-key-usage-unconfigured']");

    /** A cell of the key's row (a CSS selector of the cell). */
    static By inRow(String keyId, String cell) {
        return By.cssSelector("[data-testid='api-key-row'][data-key-id='" + keyId + "'] " + cell);
    }

    static final By LIMITS_PANEL = By.cssSelector("[data-testid='limits-panel']");
    static final By LIMITS_USER = By.cssSelector("[data-testid='limits-user']");
    static final By LIMITS_AS_OF = By.cssSelector("[data-testid='limits-as-of']");
    static final By CAPS_TOGGLE = By.id("api-key-caps-toggle");
    static final String CAPS = "[data-testid='api-key-caps']";

    /** A window's row (minute, hour, day, month) in a scope of the limits panel. */
    static By limitsRow(String scopeTestId, String window) {
        return By.cssSelector("[data-testid='" + scopeTestId + "'] [data-testid='limits-" + window + "']");
    }

    static By limitsValue(String scopeTestId, String testId) {
        return By.cssSelector("[data-testid='" + scopeTestId + "'] [data-testid='" + testId + "']");
    }

    static By cap(String field) {
        return By.cssSelector("[data-testid='api-key-cap-" + field + "']");
    }

    static By revoke(String keyId) {
        return By.cssSelector("[data-testid='api-key-revoke-" + keyId + "']");
    }

    @Test
    @DisplayName("log in, create a key (shown once, with examples for the realm's API base URL), the key works; a gateway's usage report shows as last use and 30-day numbers; revoke it in the page, the key stops working")
    void createUseRevoke(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "console");
        String project = projectGroup(realm, "genomics");
        realm.users().get(user.getId()).joinGroup(realm.getGroupByPath("/projects/" + project).getId());

        try (Browser browser = Browser.open("account-console-api-keys")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);

            browser.click(NAV_API_KEYS);
            browser.withText(HEADING, "API keys");
            assertThat(browser.withText(EMPTY, "No API keys yet").getText())
                    .contains("Create a key to call the inference API");
            browser.screenshot("api-keys-empty");

            browser.click(CREATE);
            browser.type(NAME, "laptop notebook");
            assertThat(browser.visible(PROJECT).getText()).contains("Personal").contains(project);
            new Select(browser.visible(PROJECT)).selectByVisibleText(project);
            LocalDate expiresOn = LocalDate.now(ZoneOffset.UTC).plusDays(30);
            browser.setValue(EXPIRY, expiresOn.toString());
            browser.screenshot("create-form");
            browser.click(SUBMIT);

            browser.visible(CREATED_MODAL);
            assertThat(browser.visible(DIALOG).getText())
                    .contains("Your new API key \"laptop notebook\"")
                    .contains("It is shown only once");
            String apiKey = browser.visible(NEW_KEY).getAttribute("value");
            assertThat(apiKey).matches("ik_[0-9A-Za-z]{50}");
            assertThat(browser.visible(USAGE_CURL).getText())
                    .contains("curl " + ConsoleTestSettings.INFERENCE_API_BASE_URL + "/models")
                    .contains("Authorization: Bearer $INFERENCE_API_KEY");
            assertThat(browser.visible(USAGE_OPENAI).getText())
                    .contains("base_url=\"" + ConsoleTestSettings.INFERENCE_API_BASE_URL + "\"");
            browser.screenshot("key-shown-once");

            Map<String, Object> active = introspect(keycloak, apiKey);
            assertThat(active).containsEntry("active", true)
                    .containsEntry("sub", user.getId())
                    .containsEntry("username", user.getUsername())
                    .containsEntry("project", project);
            assertThat(((Number) active.get("exp")).longValue()).as("expires at the end of the chosen day, UTC")
                    .isEqualTo(expiresOn.atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC));
            String keyId = (String) active.get("key_id");
            assertThat(apiKey).startsWith("ik_" + keyId);

            browser.click(CREATED_DONE);
            browser.gone(CREATED_MODAL);
            WebElement keyRow = browser.visible(row(keyId));
            assertThat(keyRow.getText()).contains("laptop notebook").contains(project).contains(keyId);
            assertThat(browser.visible(inRow(keyId, LAST_USED)).getText()).isEqualTo("Never used");
            assertThat(browser.visible(inRow(keyId, USAGE)).getText()).isEqualTo("No requests");
            assertThat(browser.driver().getPageSource())
                    .as("once the dialog is closed the secret is nowhere in the page").doesNotContain(apiKey);
            browser.screenshot("key-listed");

            // A gateway reports the key's use, the way gateways do (POST /usage/batches as inference-gateway).
            Instant lastUse = Instant.now().minusSeconds(90).truncatedTo(ChronoUnit.SECONDS);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            Map<String, Object> recent = UsageApi.apiEntry(today, user.getId(), keyId, project, "demo-qwen", 1_200, 10_000, 345);
            recent.put("last_used", lastUse.getEpochSecond());
            UsageApi.inference(keycloak).deliver(List.of(recent,
                    UsageApi.apiEntry(today.minusDays(10), user.getId(), keyId, project, "demo-llama", 34, 2_345, 333),
                    // 30 days ago: outside "today and the 29 days before"
                    UsageApi.apiEntry(today.minusDays(30), user.getId(), keyId, project, "demo-llama", 99, 99_999, 1)));
            browser.driver().navigate().refresh();
            browser.withText(inRow(keyId, USAGE), "1,234 requests");
            assertThat(browser.visible(inRow(keyId, USAGE)).getText())
                    .contains("1,234 requests").contains("13,023 tokens").contains("12,345 prompt / 678 completion");
            String lastUsedText = browser.visible(inRow(keyId, LAST_USED)).getText();
            assertThat(lastUsedText).as("the reported time, in the browser's locale and zone")
                    .isNotEqualTo("Never used")
                    .contains(DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH)
                            .format(lastUse.atZone(ZoneId.systemDefault())));
            browser.screenshot("key-with-usage");

            browser.click(revoke(keyId));
            browser.visible(REVOKE_MODAL);
            assertThat(browser.visible(DIALOG).getText())
                    .contains("Revoke the key \"laptop notebook\"?")
                    .contains("Programs that use key " + keyId + " stop working at once");
            browser.screenshot("revoke-confirmation");
            browser.click(REVOKE_CONFIRM);

            browser.gone(REVOKE_MODAL);
            browser.withText(EMPTY, "No API keys yet");
            assertThat(browser.driver().findElements(row(keyId))).isEmpty();
            browser.screenshot("revoked");

            assertThat(introspect(keycloak, apiKey)).isEqualTo(Map.of("active", false));
            });
        }
    }

    @Test
    @DisplayName("'Your limits' shows the person's and the project's limits with today's and this month's use; a key minted with caps lists them")
    void limitsPanelAndKeyCaps(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "limited");
        LimitGroups groups = new LimitGroups(realm);
        groups.joinNewTier(user, Map.of("limits.requests_per_minute", "30", "limits.requests_per_day", "1000",
                "limits.tokens_per_month", "2000000", "limits.concurrent_requests_per_model", "2"));
        String project = groups.newProject("climate", Map.of("limits.tokens_per_day", "500000"));
        groups.join(user, "/projects/" + project);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // Use a gateway reported: 12 requests with a project key, 3 through the web UI.
        UsageApi.inference(keycloak).deliver(List.of(
                UsageApi.apiEntry(today, user.getId(), "AAAAAAAAAAAA", project, "demo-qwen", 12, 10_000, 2_345),
                UsageApi.uiEntry(today, user.getId(), "demo-qwen", 3, 100, 55)));

        try (Browser browser = Browser.open("account-console-api-keys-limits")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(LIMITS_USER, "You (all your keys and the web UI)");
            assertThat(browser.visible(limitsRow("limits-user", "minute")).getText())
                    .contains("Per minute").contains("30 at most").contains("No limit");
            assertThat(browser.visible(limitsRow("limits-user", "hour")).getText()).contains("No limit");
            assertThat(browser.visible(limitsRow("limits-user", "day")).getText())
                    .contains("Today (UTC)").contains("15 of 1,000 used, 985 left").contains("12,500 used, no limit");
            assertThat(browser.visible(limitsRow("limits-user", "month")).getText())
                    .contains("This month (UTC)").contains("15 used, no limit")
                    .contains("12,500 of 2,000,000 used, 1,987,500 left");
            assertThat(browser.visible(limitsValue("limits-user", "limits-concurrent")).getText()).isEqualTo("2");
            assertThat(browser.visible(limitsValue("limits-user", "limits-max-tokens")).getText()).isEqualTo("No limit");
            String projectScope = "limits-project-" + project;
            assertThat(browser.visible(By.cssSelector("[data-testid='" + projectScope + "']")).getText())
                    .contains("Project " + project + " (shared by its members)");
            assertThat(browser.visible(limitsRow(projectScope, "day")).getText())
                    .contains("12 used, no limit").contains("12,345 of 500,000 used, 487,655 left");
            assertThat(browser.visible(LIMITS_AS_OF).getText()).startsWith("Counts as of the last usage report from the gateways (");
            browser.screenshot("limits-panel");

            browser.click(CREATE);
            browser.type(NAME, "capped script");
            browser.click(CAPS_TOGGLE);
            browser.type(cap("requests_per_minute"), "5");
            browser.type(cap("tokens_per_day"), "0");
            assertThat(browser.visible(DIALOG).getText()).contains("Enter a whole number of at least 1");
            assertThat(browser.visible(SUBMIT).isEnabled()).as("no create with an invalid cap").isFalse();
            browser.type(cap("tokens_per_day"), "20000");
            browser.screenshot("create-form-with-caps");
            browser.click(SUBMIT);
            browser.visible(CREATED_MODAL);
            String apiKey = browser.visible(NEW_KEY).getAttribute("value");
            browser.click(CREATED_DONE);
            browser.gone(CREATED_MODAL);

            String keyId = apiKey.substring(3, 15);
            assertThat(browser.visible(inRow(keyId, CAPS)).getText())
                    .contains("5 requests/minute").contains("20,000 tokens/day").doesNotContain("concurrent");
            browser.screenshot("key-with-caps");
            assertThat(introspect(keycloak, apiKey).get("limits")).as("gateways get the caps with the key")
                    .extracting("key").isEqualTo(Map.of("requests_per_minute", 5, "tokens_per_day", 20000));
            });
        }
    }

    @Test
    @DisplayName("minting with a login older than the realm allows: Keycloak's login again, then the page finishes the create")
    void reauthenticationBeforeMinting(KeycloakServer keycloak) throws InterruptedException {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "stale");
        setRealmAttribute(realm, MINT_WINDOW, "15");
        try (Browser browser = Browser.open("account-console-api-keys-reauthentication")) {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(EMPTY, "No API keys yet");
            Thread.sleep(16_000); // the login is now older than the realm's 15 s window

            browser.run(() -> {
            browser.click(CREATE);
            browser.type(NAME, "after a fresh login");
            browser.click(SUBMIT);

            // The server answered 401 insufficient_user_authentication: Keycloak asks for the password again.
            browser.visible(By.id("password"));
            assertThat(browser.currentUrl()).contains("/protocol/openid-connect/auth").contains("max_age=15");
            browser.screenshot("login-again");
            browser.type(By.id("password"), TestUsers.PASSWORD);
            browser.click(By.id("kc-login"));

            browser.visible(CREATED_MODAL);
            assertThat(browser.visible(DIALOG).getText()).contains("Your new API key \"after a fresh login\"");
            String apiKey = browser.visible(NEW_KEY).getAttribute("value");
            assertThat(browser.currentUrl()).as("the resume marker is gone").doesNotContain("apiKeysResume");
            browser.screenshot("key-shown-after-login");
            assertThat(introspect(keycloak, apiKey)).containsEntry("active", true).containsEntry("sub", user.getId());
            });
        } finally {
            setRealmAttribute(realm, MINT_WINDOW, "600");
        }
    }

    @Test
    @DisplayName("a revoke the server refuses is shown in the dialog: the key was deleted meanwhile by an operator")
    void revokeRefusalIsShown(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "gone");

        try (Browser browser = Browser.open("account-console-api-keys-revoke-error")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.click(CREATE);
            browser.type(NAME, "short-lived");
            browser.click(SUBMIT);
            browser.visible(CREATED_MODAL);
            browser.click(CREATED_DONE);
            String keyId = browser.visible(By.cssSelector("[data-testid='api-key-row']")).getAttribute("data-key-id");

            // An operator deletes the key while the page still lists it.
            realm.users().get(user.getId()).credentials().stream()
                    .filter(c -> "project-api-key".equals(c.getType()))
                    .forEach(c -> realm.users().get(user.getId()).removeCredential(c.getId()));

            browser.click(revoke(keyId));
            browser.click(REVOKE_CONFIRM);
            WebElement error = browser.visible(By.cssSelector("[data-testid='api-key-revoke-modal'] [data-testid='api-keys-error']"));
            assertThat(error.getText()).contains("The key was not revoked.").contains("(not_found, HTTP 404)");
            browser.screenshot("revoke-refused");
            browser.click(By.cssSelector("[role='dialog'] button[aria-label='Close']"));
            browser.withText(EMPTY, "No API keys yet");
            });
        }
    }

    @Test
    @DisplayName("while the keys load the page shows a spinner, then the list")
    void loadingState(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "slow");

        try (Browser browser = Browser.open("account-console-api-keys-loading")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(HEADING, "Personal info");

            browser.slowNetwork(Duration.ofSeconds(3));
            browser.click(NAV_API_KEYS);
            browser.visible(LOADING);
            browser.screenshot("loading");
            browser.withText(EMPTY, "No API keys yet");
            assertThat(browser.driver().findElements(LOADING)).isEmpty();
            });
        }
    }

    @Test
    @DisplayName("without a valid inference.apikey.apiBaseUrl the new-key dialog shows no examples and says why, never a guessed URL")
    void examplesNeedTheApiBaseUrl(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation user = TestUsers.create(realm, "nourl");
        try (Browser browser = Browser.open("account-console-api-keys-no-base-url")) {
            browser.run(() -> {
            setRealmAttribute(realm, API_BASE_URL, "ftp://inference.example.edu/v1");
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.click(CREATE);
            browser.type(NAME, "invalid url");
            browser.click(SUBMIT);
            browser.visible(CREATED_MODAL);
            assertThat(browser.visible(USAGE_UNCONFIGURED).getText())
                    .contains("No usage examples: the address of the inference API is set up wrongly on this site.")
                    .contains("inference.apikey.apiBaseUrl is not an absolute http(s) URL")
                    .doesNotContain("ftp://");
            assertThat(browser.driver().findElements(USAGE_CURL)).isEmpty();
            assertThat(browser.driver().findElements(USAGE_OPENAI)).isEmpty();
            browser.screenshot("base-url-invalid");
            browser.click(CREATED_DONE);
            browser.gone(CREATED_MODAL);

            clearRealmAttribute(realm, API_BASE_URL);
            browser.driver().navigate().refresh();
            browser.click(CREATE);
            browser.type(NAME, "no url");
            browser.click(SUBMIT);
            browser.visible(CREATED_MODAL);
            assertThat(browser.visible(USAGE_UNCONFIGURED).getText())
                    .contains("this site has not configured the address of its inference API")
                    .contains("Ask the operators of this service for the API base URL")
                    .doesNotContain("not valid");
            assertThat(browser.driver().findElements(USAGE_CURL)).isEmpty();
            browser.screenshot("base-url-unset");
            });
        } finally {
            setRealmAttribute(realm, API_BASE_URL, TestRealm.INFERENCE_API_BASE_URL);
        }
    }

    static final String API_BASE_URL = "inference.apikey.apiBaseUrl";

    /** Blank means unset for our settings (whether Keycloak keeps the empty value or drops it). */
    static void clearRealmAttribute(RealmResource realm, String name) {
        RealmRepresentation change = new RealmRepresentation();
        change.setAttributes(Map.of(name, ""));
        realm.update(change);
        assertThat(realm.toRepresentation().getAttributes().getOrDefault(name, "")).isBlank();
    }

    /** A new project group under /projects (unique name); the user must still join it. */
    static String projectGroup(RealmResource realm, String prefix) {
        String name = prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        try (Response response = realm.groups().group(realm.getGroupByPath("/projects").getId()).subGroup(group)) {
            assertThat(response.getStatus()).isEqualTo(201);
        }
        return name;
    }

    static final String MINT_WINDOW = "inference.apikey.mintMaxAuthAgeSeconds";

    static void setRealmAttribute(RealmResource realm, String name, String value) {
        RealmRepresentation change = new RealmRepresentation();
        change.setAttributes(Map.of(name, value));
        realm.update(change);
        assertThat(realm.toRepresentation().getAttributes()).containsEntry(name, value);
    }

    @Test
    @DisplayName("a refusal from the server is shown in the create dialog: a second key with the same name")
    void serverErrorIsShown(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "dup");

        try (Browser browser = Browser.open("account-console-api-keys-error")) {
            browser.run(() -> {
            browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/api-keys");
            browser.logIn(user.getUsername(), TestUsers.PASSWORD);
            browser.withText(HEADING, "API keys");

            browser.click(CREATE);
            browser.type(NAME, "ci");
            browser.click(SUBMIT);
            browser.visible(CREATED_MODAL);
            browser.click(CREATED_DONE);
            browser.gone(CREATED_MODAL);

            browser.click(CREATE);
            browser.type(NAME, "ci");
            browser.click(SUBMIT);

            WebElement error = browser.visible(By.cssSelector("[data-testid='api-key-create-modal'] [data-testid='api-keys-error']"));
            assertThat(error.getText())
                    .contains("The key was not created.")
                    .as("the server's description of the refusal").contains("You already have a key with that name.")
                    .contains("name_taken, HTTP 409");
            assertThat(browser.driver().findElements(CREATED_MODAL)).isEmpty();
            browser.screenshot("name-taken-error");
            });
        }
    }
}
