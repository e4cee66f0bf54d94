package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.inferenceauth.it.Waiting.until;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.it.gateway.GatewayUnderTest;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Keycloak's database failing under a running Keycloak (PostgreSQL restarted, network cut): the
 * gateway endpoints answer 503 {@code temporarily_unavailable}, which gateways treat as an outage
 * (except introspection of a key the node validated before, which needs no database),
 * never {@code {"active":false}}, which they would cache as "this key is invalid" and refuse a
 * valid key with 401. Runs on H2 and PostgreSQL ({@link DatabaseOutage}).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("When Keycloak's database fails, gateways hear of an outage, not of invalid keys")
class DatabaseOutageIT {

    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    @Test
    @DisplayName("during the outage introspection of a key Keycloak has not seen, the feed and the re-check are 503 "
            + "temporarily_unavailable (a key it validated before stays active) and a gateway answers an uncached valid key "
            + "with 503, not 401; afterwards both recover on their own")
    void outage(KeycloakServer keycloak) throws Exception {
        ApiKeysApi api = ApiKeysApi.inference(keycloak);
        UserRepresentation user = TestUsers.create(keycloak.getKeycloakAdminClient().realm(TestRealm.REALM), "outage");
        String token = api.login(user);
        String known = api.mint(token, "known");
        String unseen = api.mint(token, "unseen");
        String cursor = api.cursor();
        assertThat(api.isActive(known)).isTrue();

        try (GatewayUnderTest gateway = new GatewayUnderTest(keycloak, Map.of())) {
            try {
                try (DatabaseOutage outage = DatabaseOutage.begin(keycloak)) {
                    api.introspect(unseen).then().log().ifValidationFails().statusCode(503)
                            .header("Retry-After", equalTo("5")).body("error", equalTo("temporarily_unavailable"));
                    // A key this node validated before needs no database (its location is remembered,
                    // its owner and credential are in Keycloak's user cache): still active, never inactive.
                    api.introspect(known).then().log().ifValidationFails().statusCode(200).body("active", equalTo(true));
                    api.revocations(cursor).then().log().ifValidationFails().statusCode(503)
                            .body("error", equalTo("temporarily_unavailable"));
                    api.check(List.of(known.substring(3, 15))).then().log().ifValidationFails().statusCode(503)
                            .body("error", equalTo("temporarily_unavailable"));

                    assertThat(gateway.status(unseen)).as("a valid key the gateway never saw, during the outage").isEqualTo(503);
                }
            } finally {
                // Whatever the outcome, the next tests need a Keycloak that reaches its database again.
                until("introspection answers a valid key as active again", () -> {
                    var response = api.introspect(known);
                    return response.statusCode() == 200 && Boolean.TRUE.equals(response.path("active"));
                }, RECOVERY_LIMIT);
            }
            until("the gateway serves the key it refused during the outage", () -> gateway.status(unseen) == 200,
                    RECOVERY_LIMIT);
        }
    }
}
