package org.inferenceauth.it.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The people that {@code realm-config/dev/cilogon-simulated-realm.json} ships, logging in as the
 * demo tells a newcomer to (README, {@code ./demo.sh}'s printout, {@code realm-config/dev/README.md}):
 * the other broker ITs create their own people, so without this a broken demo user would go
 * unnoticed until someone tried the demo.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("The demo's simulated CILogon people log in as the demo says")
class DemoPeopleIT {

    private KeycloakServer keycloak;

    @BeforeEach
    void server(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    RealmResource inference() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    BrowserLogin.Brokered login(String alias, String username) {
        return BrowserLogin.webUi(keycloak).loginThroughProvider(alias, username, SimulatedCilogon.DEMO_PASSWORD, Map.of());
    }

    UserRepresentation accountOf(BrowserLogin.Brokered trip) throws Exception {
        String id = SignedJWT.parse(trip.tokens().accessToken()).getJWTClaimsSet().getSubject();
        return inference().users().get(id).toRepresentation();
    }

    @Test
    @DisplayName("access-demo through ACCESS-CI: a new account adalovelace@access-ci.org, ACCESS username adalovelace, MFA")
    void accessDemo() throws Exception {
        BrowserLogin.Brokered trip = login("access", SimulatedCilogon.ACCESS_USER);

        assertThat(trip.succeeded()).as("no page on the way: HTTP " + trip.status()).isTrue();
        UserRepresentation account = accountOf(trip);
        assertThat(account.getUsername()).isEqualTo("adalovelace@access-ci.org");
        assertThat(account.getAttributes())
                .containsEntry("access_username", List.of("adalovelace"))
                .containsEntry("idp", List.of(SimulatedCilogon.ACCESS_IDP))
                .containsEntry("acr", List.of(SimulatedCilogon.MFA));
    }

    @Test
    @DisplayName("iu-demo through Indiana University: a new account ghopper@iu.edu with IU's name and affiliations")
    void iuDemo() throws Exception {
        BrowserLogin.Brokered trip = login("iu", SimulatedCilogon.IU_USER);

        assertThat(trip.succeeded()).as("no page on the way: HTTP " + trip.status()).isTrue();
        UserRepresentation account = accountOf(trip);
        assertThat(account.getUsername()).isEqualTo("ghopper@iu.edu");
        assertThat(account.getAttributes())
                .containsEntry("idp_name", List.of("Indiana University"))
                .containsEntry("affiliation", List.of("faculty@iu.edu;member@iu.edu;employee@iu.edu"))
                .doesNotContainKey("access_username");
    }

    @Test
    @DisplayName("twin-demo through ACCESS-CI: linked to the local account with the verified email demo@example.edu, as the demo's user demo")
    void twinDemoIsLinked() throws Exception {
        // What DemoStack.ensureDemoUser creates; the shared test server has no user "demo".
        UserRepresentation local = TestUsers.create(inference(), "demo");
        local.setEmail("demo@example.edu");
        local.setEmailVerified(true);
        inference().users().get(local.getId()).update(local);

        BrowserLogin.Brokered trip = login("access", "twin-demo");

        assertThat(trip.succeeded()).as("no page on the way: HTTP " + trip.status()).isTrue();
        assertThat(accountOf(trip).getId()).isEqualTo(local.getId());
        assertThat(inference().users().get(local.getId()).getFederatedIdentity())
                .extracting(FederatedIdentityRepresentation::getIdentityProvider).containsExactly("access");
    }

    @Test
    @DisplayName("noemail-demo through ACCESS-CI: Keycloak's error page asking for an email, no account")
    void noEmailDemoRefused() {
        BrowserLogin.Brokered trip = login("access", "noemail-demo");

        assertThat(trip.succeeded()).isFalse();
        assertThat(trip.page()).contains("did not tell us your email address");
        assertThat(inference().users().search("enoether@access-ci.org", true)).isEmpty();
    }
}
