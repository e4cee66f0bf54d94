package org.inferenceauth.it.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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

@ExtendWith(KeycloakExtension.class)
@DisplayName("Web-UI logins are counted on channel ui by the realm's event listener inference-usage")
class UsageLoginsIT {

    @Test
    @DisplayName("each login through open-webui adds one login on channel ui; a login to the account console adds none")
    void countsWebUiLogins(KeycloakServer keycloak) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        UsageApi usage = UsageApi.inference(keycloak);
        UserRepresentation person = TestUsers.create(realm, "webui-login");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        BrowserLogin.webUi(keycloak).login(person.getUsername(), TestUsers.PASSWORD);
        BrowserLogin.webUi(keycloak).login(person.getUsername(), TestUsers.PASSWORD);
        BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(person.getUsername(), TestUsers.PASSWORD);

        List<Map<String, Object>> rows = usage.totals(Map.of("from", today.toString(), "to", today.toString(),
                "group_by", "user,channel,client"));
        assertThat(rows).filteredOn(r -> person.getId().equals(r.get("user_id")))
                .containsExactly(Map.of("user_id", person.getId(), "username", person.getUsername(), "channel", "ui",
                        "client_id", TestRealm.WEB_UI_CLIENT, "requests", 0, "refused", 0, "prompt_tokens", 0,
                        "completion_tokens", 0, "total_tokens", 0, "logins", 2));
        List<Map<String, Object>> days = usage.periods(Map.of("from", today.toString(), "to", today.toString(),
                "period", "day"));
        assertThat((Integer) days.get(0).get("ui_only") + (Integer) days.get(0).get("both"))
                .as("the person counts among the web UI's people today").isPositive();
    }
}
