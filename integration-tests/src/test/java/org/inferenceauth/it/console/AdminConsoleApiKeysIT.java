package org.inferenceauth.it.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.it.console.Introspection.introspect;

import io.restassured.http.ContentType;
import java.util.Map;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;

@ExtendWith(KeycloakExtension.class)
@DisplayName("An operator sees a user's API keys on the admin console's Credentials tab and deletes one")
class AdminConsoleApiKeysIT {

    @Test
    @DisplayName("the key is listed with its name, creation time, key id and project; deleting it makes it inactive")
    void deleteKeyInAdminConsole(KeycloakServer keycloak) {
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "operated");
        String accessToken = BrowserLogin.accountConsole(keycloak, TestRealm.REALM)
                .login(user.getUsername(), TestUsers.PASSWORD).accessToken();
        Map<String, Object> minted = given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("name", "cluster job", "project", "personal"))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys")
                .then().statusCode(201).extract().jsonPath().getMap("");
        String apiKey = (String) minted.get("key");
        String keyId = (String) minted.get("keyId");
        String credentialId = (String) minted.get("credentialId");
        assertThat(introspect(keycloak, apiKey)).containsEntry("active", true);

        try (Browser browser = Browser.open("admin-console-delete-api-key")) {
            browser.run(() -> {
            browser.get(keycloak.getAuthServerUrl() + "/admin/master/console/#/" + TestRealm.REALM + "/users/"
                    + user.getId() + "/credentials");
            browser.logIn(keycloak.getAdminUsername(), keycloak.getAdminPassword());

            By keyRow = By.xpath("//tr[td[normalize-space()='cluster job'] or .//*[normalize-space()='cluster job']]");
            String row = browser.visible(keyRow).getText();
            assertThat(row).containsIgnoringCase("project-api-key").contains("cluster job");
            assertThat(row).as("created").containsPattern("\\d{1,2}:\\d{2}");
            browser.screenshot("credentials-tab");

            browser.click(By.xpath("//tr[@id='" + credentialId + "']//*[@data-testid='showDataBtn']"));
            String data = browser.visible(By.cssSelector("[role='dialog']")).getText();
            assertThat(data).contains(keyId).contains("personal");
            browser.screenshot("key-data");
            browser.click(By.cssSelector("[role='dialog'] button[aria-label='Close']"));
            browser.gone(By.cssSelector("[role='dialog']"));

            browser.click(By.xpath("//tr[@id='" + credentialId + "']//button[@aria-label='Kebab toggle']"));
            browser.click(By.cssSelector("[data-testid='deleteDropdownItem']"));
            browser.visible(By.cssSelector("[role='dialog']"));
            browser.screenshot("delete-confirmation");
            browser.click(By.cssSelector("[role='dialog'] [data-testid='confirm']"));

            browser.gone(By.id(credentialId));
            assertThat(browser.driver().findElements(keyRow)).isEmpty();
            browser.screenshot("key-deleted");
            });
        }

        assertThat(introspect(keycloak, apiKey)).isEqualTo(Map.of("active", false));
    }
}
