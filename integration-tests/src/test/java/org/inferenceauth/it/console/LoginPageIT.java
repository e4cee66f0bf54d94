package org.inferenceauth.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

@ExtendWith(KeycloakExtension.class)
@DisplayName("The login page: institutions first, the local form only where the realm allows it, the operator's branding")
class LoginPageIT {

    static final By INSTITUTION_NAMES = By.cssSelector("#inference-institutions .inference-institution-name");
    static final By LOCAL_FORM = By.id("kc-form-login");

    static String loginPage(KeycloakServer keycloak) {
        return keycloak.getIssuer(TestRealm.REALM) + "/account/";
    }

    @Test
    @DisplayName("the three institutions come first, in order, above the local form; service name, logo and help link from theme properties")
    void institutionsFirst(KeycloakServer keycloak) {
        try (Browser browser = Browser.open("login-page")) {
            browser.run(() -> {
                browser.get(loginPage(keycloak));
                browser.visible(By.id("social-access"));

                assertThat(browser.driver().findElements(INSTITUTION_NAMES).stream().map(WebElement::getText).toList())
                        .containsExactly("ACCESS-CI", "Indiana University", "Other institution (CILogon)");
                assertThat(browser.visible(By.id("social-access")).getText()).contains("your ACCESS account");
                assertThat(precedes(browser, "inference-institutions", "kc-form-login")).as("institutions above the form").isTrue();
                assertThat(browser.visible(By.id("kc-page-title")).getText())
                        .isEqualTo("Log in to " + TestRealm.BRAND_SERVICE_NAME);
                assertThat(browser.visible(By.id("inference-help-link")).getAttribute("href")).isEqualTo(TestRealm.BRAND_HELP_URL);
                assertThat((Long) ((JavascriptExecutor) browser.driver()).executeScript(
                        "return document.getElementById('inference-brand-logo').naturalWidth;")).as("the logo loaded").isPositive();
                browser.screenshot("institutions-and-local-form");
            });
        }
    }

    @Test
    @DisplayName("with inference.login.passwordForm=false the local form is gone, the institutions stay")
    void passwordFormHidden(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        setPasswordForm(realm, "false");
        try (Browser browser = Browser.open("login-page-institutions-only")) {
            browser.run(() -> {
                browser.get(loginPage(keycloak));
                browser.visible(By.id("social-iu"));

                assertThat(browser.driver().findElements(INSTITUTION_NAMES)).hasSize(3);
                assertThat(browser.driver().findElements(LOCAL_FORM)).isEmpty();
                assertThat(browser.driver().findElements(By.id("password"))).isEmpty();
                browser.screenshot("institutions-only");
            });
        } finally {
            setPasswordForm(realm, "true");
        }
    }

    private static boolean precedes(Browser browser, String firstId, String secondId) {
        return (Boolean) ((JavascriptExecutor) browser.driver()).executeScript(
                "return !!(document.getElementById(arguments[0]).compareDocumentPosition(document.getElementById(arguments[1]))"
                        + " & Node.DOCUMENT_POSITION_FOLLOWING);", firstId, secondId);
    }

    private static void setPasswordForm(RealmResource realm, String value) {
        RealmRepresentation rep = realm.toRepresentation();
        rep.getAttributes().put("inference.login.passwordForm", value);
        realm.update(rep);
    }
}
