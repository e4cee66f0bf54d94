package org.inferenceauth.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.models.Model;
import java.util.Map;
import org.inferenceauth.it.gateway.GatewayUnderTest;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.SimulatedCilogon.Person;
import org.inferenceauth.testkit.TestRealm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

@ExtendWith(KeycloakExtension.class)
@DisplayName("A person clicks ACCESS-CI, logs in at (simulated) CILogon, mints a key in the account console and calls the gateway")
class BrokeredConsoleIT {

    @Test
    @DisplayName("login page -> CILogon -> account console as a new account -> API keys -> a key that works at the gateway")
    void clickAccessMintAndCall(KeycloakServer keycloak) {
        Person person = SimulatedCilogon.person("browser").create(keycloak);
        try (Browser browser = Browser.open("brokered-login-and-key");
             GatewayUnderTest gateway = new GatewayUnderTest(keycloak, Map.of())) {
            browser.run(() -> {
                browser.get(keycloak.getIssuer(TestRealm.REALM) + "/account/");
                browser.screenshot("login-page");
                browser.click(By.id("social-access"));

                assertThat(browser.visible(By.id("kc-header-wrapper")).getText()).as("the DEMO stand-in, labelled")
                        .containsIgnoringCase("Simulated CILogon").containsIgnoringCase("DEMO / TEST ONLY");
                browser.screenshot("simulated-cilogon");
                assertThat(browser.currentUrl()).contains("/realms/" + SimulatedCilogon.REALM + "/")
                        .contains("idphint=https%3A%2F%2Faccess-ci.org%2Fidp");
                browser.logIn(person.username(), SimulatedCilogon.DEMO_PASSWORD);

                browser.click(AccountConsoleApiKeysIT.NAV_API_KEYS);
                browser.withText(AccountConsoleApiKeysIT.HEADING, "API keys");
                browser.screenshot("account-console-as-brokered-user");
                browser.click(AccountConsoleApiKeysIT.CREATE);
                browser.type(AccountConsoleApiKeysIT.NAME, "from ACCESS");
                browser.click(AccountConsoleApiKeysIT.SUBMIT);
                browser.visible(AccountConsoleApiKeysIT.CREATED_MODAL);
                String apiKey = browser.visible(AccountConsoleApiKeysIT.NEW_KEY).getAttribute("value");
                browser.screenshot("key-shown-once");

                assertThat(gateway.sdk(apiKey).models().list().data().stream().map(Model::id).toList())
                        .containsExactly("model-a", "model-b", "model-c");
                assertThat(Introspection.introspect(keycloak, apiKey)).containsEntry("username", person.eppn());
            });
        }
    }
}
