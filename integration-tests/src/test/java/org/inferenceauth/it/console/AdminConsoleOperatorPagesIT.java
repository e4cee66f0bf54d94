package org.inferenceauth.it.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.console.Introspection.introspect;
import static org.inferenceauth.it.usage.UsageApi.apiEntry;
import static org.inferenceauth.it.usage.UsageApi.uiEntry;

import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.apikeys.ScratchRealm;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

@ExtendWith(KeycloakExtension.class)
@DisplayName("The admin theme's operator pages: Usage and realm-wide API keys")
class AdminConsoleOperatorPagesIT {

    private static final String ADMIN_THEME = "inference";

    @Test
    @DisplayName("given usage delivered by the gateway, an operator sees the right numbers and downloads the CSV")
    void usagePage(KeycloakServer keycloak) {
        // A scratch realm: its numbers are exactly what this test delivers.
        try (ScratchRealm scratch = ScratchRealm.create(keycloak, "adminpages", Map.of())) {
            RealmRepresentation settings = scratch.resource().toRepresentation();
            settings.setAdminTheme(ADMIN_THEME);
            scratch.resource().update(settings);
            UserRepresentation apiOnly = TestUsers.create(scratch.resource(), "alice");
            UserRepresentation both = TestUsers.create(scratch.resource(), "bob");
            UserRepresentation uiOnly = TestUsers.create(scratch.resource(), "carol");
            UserRepresentation operator = TestUsers.create(scratch.resource(), "operator");
            grant(scratch.resource(), operator, "view-realm");

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            scratch.usage().deliver(List.of(
                    apiEntry(today, apiOnly.getId(), "AAAAAAAAAAAA", "alpha", "model-one", 3, 120, 480),
                    apiEntry(today, both.getId(), "BBBBBBBBBBBB", "beta", "model-two", 1, 10, 20),
                    uiEntry(today, both.getId(), "model-one", 1, 1, 2),
                    uiEntry(today, uiOnly.getId(), "model-one", 2, 5, 5)));

            try (Browser browser = Browser.open("admin-console-usage")) {
                browser.run(() -> {
                    browser.get(keycloak.getAuthServerUrl() + "/admin/" + scratch.name() + "/console/");
                    browser.logIn(operator.getUsername(), TestUsers.PASSWORD);
                    browser.click(By.id("nav-item-usage"));

                    // This week (the table's last row): one person each on API only, web UI only, both.
                    By thisWeek = By.cssSelector("[data-testid='active-people-table'] tbody tr:last-child");
                    browser.withText(thisWeek, "3");
                    List<String> week = browser.driver().findElement(thisWeek).findElements(By.tagName("td"))
                            .stream().map(WebElement::getText).toList();
                    assertThat(week.subList(1, 5)).containsExactly("1", "1", "1", "3");

                    // Top project by tokens: alpha with 120 + 480.
                    By topProject = By.cssSelector("[data-testid='top-projects-table'] tbody tr:first-child");
                    assertThat(browser.withText(topProject, "alpha").getText()).contains("alpha").contains("600");
                    By topUser = By.cssSelector("[data-testid='top-users-table'] tbody tr:first-child");
                    assertThat(browser.withText(topUser, apiOnly.getUsername()).getText()).contains("600");
                    browser.visible(By.cssSelector("#tokens-per-model svg"));
                    browser.visible(By.cssSelector("#tokens-per-project svg"));
                    browser.screenshot("usage-page");

                    browser.click(By.cssSelector("[data-testid='top-projects-csv']"));
                    String csv = read(browser.download("usage-top-projects-" + today.minusDays(29) + "-" + today + ".csv"));
                    assertThat(csv.split("\r\n")[0]).isEqualTo(
                            "project,requests,refused,prompt_tokens,completion_tokens,total_tokens,logins");
                    assertThat(csv).contains("\r\nalpha,3,0,120,480,600,0\r\n");

                    browser.click(By.id("range-last-7"));
                    browser.withText(topProject, "alpha");
                    browser.screenshot("last-7-days");

                    // view-realm alone: no API keys entry (that needs view-users).
                    assertThat(browser.driver().findElements(By.id("nav-item-api-keys"))).isEmpty();
                    // The stock header's toggle closes and opens our navigation.
                    By sidebar = By.cssSelector(".pf-v5-c-page__sidebar");
                    browser.click(By.id("nav-toggle"));
                    browser.until(driver -> driver.findElement(sidebar).getAttribute("class").contains("pf-m-collapsed"));
                    browser.click(By.id("nav-toggle"));
                    browser.until(driver -> driver.findElement(sidebar).getAttribute("class").contains("pf-m-expanded"));
                });
            }
        }
    }

    @Test
    @DisplayName("an operator of the shipped realm finds a key by user and project and revokes it after confirming")
    void apiKeysPage(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        assertThat(realm.toRepresentation().getAdminTheme()).isEqualTo(ADMIN_THEME);
        UserRepresentation owner = TestUsers.create(realm, "keyowner");
        UserRepresentation operator = TestUsers.create(realm, "keyoperator");
        grant(realm, operator, "view-users", "manage-users");
        String accessToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .login(owner.getUsername(), TestUsers.PASSWORD).accessToken();
        String apiKey = given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("name", "batch job", "project", "personal"))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys")
                .then().statusCode(201).extract().path("key");
        String keyId = (String) introspect(keycloak, apiKey).get("key_id");

        try (Browser browser = Browser.open("admin-console-api-keys")) {
            browser.run(() -> {
                browser.get(keycloak.getAuthServerUrl() + "/admin/" + TestRealm.REALM + "/console/");
                browser.logIn(operator.getUsername(), TestUsers.PASSWORD);
                browser.click(By.id("nav-item-api-keys"));
                browser.type(By.id("search-user"), owner.getUsername());
                browser.type(By.id("search-project"), "personal");
                browser.click(By.id("search-keys"));

                By row = By.cssSelector("tr[data-key-id='" + keyId + "']");
                String text = browser.visible(row).getText();
                assertThat(text).contains(owner.getUsername()).contains("batch job").contains("personal")
                        .contains("Never used").contains("Active");
                assertThat(browser.driver().findElements(By.cssSelector("[data-testid='api-keys-table'] tbody tr")))
                        .hasSize(1);
                browser.screenshot("key-found");

                browser.click(By.cssSelector("[data-testid='revoke-" + keyId + "']"));
                assertThat(browser.visible(By.cssSelector("[role='dialog']")).getText()).contains("batch job");
                browser.screenshot("revoke-confirmation");
                browser.click(By.cssSelector("[data-testid='confirm-revoke']"));
                browser.gone(By.cssSelector("[role='dialog']"));
                browser.visible(By.cssSelector("[data-testid='no-keys']"));
                browser.screenshot("key-revoked");

                // Keycloak's own pages still work inside our shell.
                browser.click(By.id("nav-item-users"));
                browser.until(driver -> driver.getCurrentUrl().endsWith("/users"));
                browser.visible(By.cssSelector("main table"));
                browser.screenshot("stock-users-page");
            });
        }

        assertThat(introspect(keycloak, apiKey)).isEqualTo(Map.of("active", false));
    }

    @Test
    @DisplayName("a person without admin roles sees neither page, and the endpoints answer 403")
    void ordinaryUserIsRefused(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UserRepresentation person = TestUsers.create(realm, "ordinary");
        String accessToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .login(person.getUsername(), TestUsers.PASSWORD).accessToken();
        String admin = keycloak.getAuthServerUrl() + "/admin/realms/" + TestRealm.REALM;
        given().auth().oauth2(accessToken).get(admin + "/usage/active-users").then().statusCode(403);
        given().auth().oauth2(accessToken).get(admin + "/usage/totals?format=csv").then().statusCode(403);
        given().auth().oauth2(accessToken).get(admin + "/api-keys").then().statusCode(403);

        try (Browser browser = Browser.open("admin-console-ordinary-user")) {
            browser.run(() -> {
                browser.get(keycloak.getAuthServerUrl() + "/admin/" + TestRealm.REALM + "/console/#/"
                        + TestRealm.REALM + "/usage");
                browser.logIn(person.getUsername(), TestUsers.PASSWORD);
                browser.until(driver -> !driver.findElements(By.cssSelector(".pf-v5-c-page, .pf-v5-c-alert, "
                        + ".pf-v5-c-empty-state")).isEmpty());
                browser.screenshot("usage-refused");
                assertThat(browser.driver().findElements(By.id("nav-item-usage"))).isEmpty();
                assertThat(browser.driver().findElements(By.id("active-people"))).isEmpty();

                browser.get(keycloak.getAuthServerUrl() + "/admin/" + TestRealm.REALM + "/console/#/"
                        + TestRealm.REALM + "/api-keys");
                browser.until(driver -> !driver.findElements(By.cssSelector(".pf-v5-c-page, .pf-v5-c-alert, "
                        + ".pf-v5-c-empty-state")).isEmpty());
                browser.screenshot("api-keys-refused");
                assertThat(browser.driver().findElements(By.id("nav-item-api-keys"))).isEmpty();
                assertThat(browser.driver().findElements(By.cssSelector("[data-testid='api-keys-table']"))).isEmpty();
            });
        }
    }

    /** Roles of the realm's realm-management client, as an operator of that realm holds them. */
    private static void grant(RealmResource realm, UserRepresentation user, String... roles) {
        String managementId = realm.clients().findByClientId("realm-management").get(0).getId();
        List<RoleRepresentation> granted = java.util.Arrays.stream(roles)
                .map(role -> realm.clients().get(managementId).roles().get(role).toRepresentation()).toList();
        realm.users().get(user.getId()).roles().clientLevel(managementId).add(granted);
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
