package org.inferenceauth.it.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.SimulatedCilogon;
import org.inferenceauth.testkit.SimulatedCilogon.Person;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Real broker logins, driven over HTTP with every redirect followed by hand: realm {@code inference}
 * and its providers {@code access}, {@code iu}, {@code cilogon}, against the simulated CILogon of the
 * same Keycloak ({@code realm-config/dev/cilogon-simulated-realm.json}).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("People log in through CILogon (ACCESS-CI, Indiana University, other institutions)")
class CilogonBrokeringIT {

    private KeycloakServer keycloak;

    @BeforeEach
    void server(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    RealmResource inference() {
        return keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
    }

    /** A fresh browser (no SSO session anywhere) logging in to the web UI through {@code alias}. */
    BrowserLogin.Brokered login(String alias, Person person) {
        return BrowserLogin.webUi(keycloak).loginThroughProvider(alias, person.username(), SimulatedCilogon.DEMO_PASSWORD, Map.of());
    }

    List<UserRepresentation> accountsOf(Person person) {
        return inference().users().search(person.eppn(), true);
    }

    String keycloakLog() {
        try {
            return Files.readString(keycloak.getLogFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> query(URI uri) {
        return Arrays.stream(uri.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8),
                        (a, b) -> a, LinkedHashMap::new));
    }

    @Nested
    @DisplayName("the authorization request Keycloak sends to CILogon")
    class AuthorizationRequest {

        @ParameterizedTest(name = "{0}: idphint {1}")
        @CsvSource(value = {
                "access,  https://access-ci.org/idp",
                "iu,      urn:mace:incommon:iu.edu",
                "cilogon, NONE"
        })
        @DisplayName("carries the alias's fixed idphint, CILogon's scopes, PKCE S256 and the registered client id")
        void hint(String alias, String hint) {
            Person.Builder builder = SimulatedCilogon.person("hint-" + alias);
            Person person = ("iu".equals(alias) ? builder.iu() : builder).create(keycloak);

            BrowserLogin.Brokered trip = login(alias, person);

            Map<String, String> upstream = query(trip.upstreamAuthorization());
            assertThat(trip.upstreamAuthorization().toString())
                    .startsWith(SimulatedCilogon.issuer(keycloak.getAuthServerUrl()) + "/protocol/openid-connect/auth?");
            if ("NONE".equals(hint)) {
                assertThat(upstream).doesNotContainKey("idphint");
            } else {
                assertThat(upstream).containsEntry("idphint", hint);
            }
            assertThat(upstream).containsEntry("scope", "openid email profile org.cilogon.userinfo")
                    .containsEntry("code_challenge_method", "S256")
                    .containsEntry("client_id", SimulatedCilogon.CLIENT_ID)
                    .containsEntry("redirect_uri", keycloak.getIssuer(TestRealm.REALM) + "/broker/" + alias + "/endpoint")
                    .containsKey("code_challenge");
            assertThat(trip.succeeded()).as("the login went through").isTrue();
        }
    }

    @Nested
    @DisplayName("the first login")
    class FirstLogin {

        @Test
        @DisplayName("creates the account without a review form: username = eppn, institution attributes, verified email, the link to CILogon's subject")
        void newAccount() throws Exception {
            Person person = SimulatedCilogon.person("ada").create(keycloak);

            BrowserLogin.Brokered trip = login("access", person);

            assertThat(trip.succeeded()).as("no page on the way: " + trip.status()).isTrue();
            List<UserRepresentation> accounts = accountsOf(person);
            assertThat(accounts).hasSize(1);
            UserRepresentation account = inference().users().get(accounts.get(0).getId()).toRepresentation();
            assertThat(account.getUsername()).isEqualTo(person.eppn());
            assertThat(account.getEmail()).isEqualTo(person.email());
            assertThat(account.isEmailVerified()).as("ACCESS-CI's emails are trusted").isTrue();
            assertThat(account.getFirstName()).isEqualTo("Test");
            assertThat(account.getLastName()).isEqualTo(person.username());
            assertThat(account.getAttributes())
                    .containsEntry("eppn", List.of(person.eppn()))
                    .containsEntry("access_username", List.of(person.username()))
                    .containsEntry("idp", List.of(SimulatedCilogon.ACCESS_IDP))
                    .containsEntry("idp_name", List.of("ACCESS"))
                    .containsEntry("acr", List.of(SimulatedCilogon.MFA))
                    .containsEntry("affiliation", List.of("member@access-ci.org"));
            assertThat(inference().users().get(account.getId()).getFederatedIdentity())
                    .extracting(FederatedIdentityRepresentation::getIdentityProvider, FederatedIdentityRepresentation::getUserId,
                            FederatedIdentityRepresentation::getUserName)
                    .as("the link's username is CILogon's subject (lower-cased by Keycloak), never the email")
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("access", person.sub(), person.sub().toLowerCase()));
            var claims = SignedJWT.parse(trip.tokens().accessToken()).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo(account.getId());
            assertThat(claims.getStringClaim("preferred_username")).isEqualTo(person.eppn());
        }

        @Test
        @DisplayName("an IU person gets the IU attributes and no ACCESS username")
        void iuAccount() {
            Person person = SimulatedCilogon.person("grace").iu().create(keycloak);

            assertThat(login("iu", person).succeeded()).isTrue();

            UserRepresentation account = inference().users().get(accountsOf(person).get(0).getId()).toRepresentation();
            assertThat(account.getAttributes())
                    .containsEntry("idp", List.of(SimulatedCilogon.IU_IDP))
                    .containsEntry("idp_name", List.of("Indiana University"))
                    .containsEntry("affiliation", List.of("faculty@iu.edu;member@iu.edu"))
                    .doesNotContainKey("access_username");
        }

        @Test
        @DisplayName("a second login with the same identity finds the same account, and refreshes what the institution says")
        void secondLogin() throws Exception {
            Person person = SimulatedCilogon.person("twice").withoutMfa().create(keycloak);
            String first = SignedJWT.parse(login("access", person).tokens().accessToken()).getJWTClaimsSet().getSubject();
            UserRepresentation before = inference().users().get(first).toRepresentation();
            assertThat(before.getAttributes()).doesNotContainKey("acr");

            var simUser = keycloak.getKeycloakAdminClient().realm(SimulatedCilogon.REALM).users().search(person.username(), true).get(0);
            simUser.getAttributes().put("acr", List.of(SimulatedCilogon.MFA));
            keycloak.getKeycloakAdminClient().realm(SimulatedCilogon.REALM).users().get(simUser.getId()).update(simUser);
            String second = SignedJWT.parse(login("access", person).tokens().accessToken()).getJWTClaimsSet().getSubject();

            assertThat(second).isEqualTo(first);
            assertThat(accountsOf(person)).hasSize(1);
            assertThat(inference().users().get(first).toRepresentation().getAttributes())
                    .as("sync mode force: the MFA of this login").containsEntry("acr", List.of(SimulatedCilogon.MFA));
        }

        @Test
        @DisplayName("without an email from the institution: refused with Keycloak's error page, nothing created")
        void missingEmail() {
            Person person = SimulatedCilogon.person("noemail").noEmail().create(keycloak);

            BrowserLogin.Brokered trip = login("access", person);

            assertThat(trip.succeeded()).isFalse();
            assertThat(trip.status()).isEqualTo(400);
            assertThat(trip.page()).contains("We are sorry").contains("did not tell us your email address");
            assertThat(accountsOf(person)).isEmpty();
        }

        @Test
        @DisplayName("an IU identity through the ACCESS-CI button (idp claim not ACCESS's): refused with an explanation, nothing created")
        void wrongInstitutionForAlias() {
            Person person = SimulatedCilogon.person("switched").iu().create(keycloak);

            BrowserLogin.Brokered trip = login("access", person);

            assertThat(trip.succeeded()).isFalse();
            assertThat(trip.status()).isEqualTo(502);
            assertThat(trip.page()).contains("You chose one institution here but logged in at CILogon with another");
            assertThat(accountsOf(person)).isEmpty();
        }
    }

    @Nested
    @DisplayName("an existing account with the same email")
    class ExistingAccount {

        UserRepresentation localAccount(String email, boolean verified) {
            UserRepresentation local = TestUsers.create(inference(), "local");
            local.setEmail(email);
            local.setEmailVerified(verified);
            inference().users().get(local.getId()).update(local);
            return local;
        }

        @Test
        @DisplayName("verified, through a provider whose email is trusted: linked at once, no new account")
        void verifiedIsLinked() throws Exception {
            Person person = SimulatedCilogon.person("linked").create(keycloak);
            UserRepresentation local = localAccount(person.email(), true);

            BrowserLogin.Brokered trip = login("access", person);

            assertThat(trip.succeeded()).isTrue();
            assertThat(SignedJWT.parse(trip.tokens().accessToken()).getJWTClaimsSet().getSubject()).isEqualTo(local.getId());
            assertThat(inference().users().get(local.getId()).getFederatedIdentity())
                    .extracting(FederatedIdentityRepresentation::getUserId).containsExactly(person.sub());
            assertThat(accountsOf(person)).as("no account named after the eppn").isEmpty();
        }

        @Test
        @DisplayName("not verified: not linked; the person is asked, and linking needs the account's password")
        void unverifiedIsConfirmedByLoggingIn() {
            Person person = SimulatedCilogon.person("unverified").create(keycloak);
            UserRepresentation local = localAccount(person.email(), false);

            BrowserLogin browser = BrowserLogin.webUi(keycloak);
            BrowserLogin.Brokered trip = browser.loginThroughProvider("access", person.username(), SimulatedCilogon.DEMO_PASSWORD, Map.of());

            assertThat(trip.succeeded()).isFalse();
            assertThat(trip.status()).isEqualTo(200);
            assertThat(trip.page()).contains("already exists. How do you want to continue?");
            assertThat(inference().users().get(local.getId()).getFederatedIdentity()).isEmpty();
            assertThat(accountsOf(person)).isEmpty();

            HttpResponse<String> passwordPage = browser.post(formAction(trip.last()), Map.of("submitAction", "linkAccount"));
            BrowserLogin.Brokered afterPage = browser.complete(trip, passwordPage);
            assertThat(afterPage.status()).isEqualTo(200);
            assertThat(afterPage.page()).contains("id=\"password\"");
            HttpResponse<String> loggedIn = browser.post(formAction(afterPage.last()),
                    Map.of("username", local.getUsername(), "password", TestUsers.PASSWORD));
            BrowserLogin.Brokered done = browser.complete(trip, loggedIn);

            assertThat(done.succeeded()).isTrue();
            assertThat(inference().users().get(local.getId()).getFederatedIdentity())
                    .extracting(FederatedIdentityRepresentation::getUserId).containsExactly(person.sub());
        }

        @Test
        @DisplayName("verified, but through 'Other institution' (email not trusted): not linked without asking")
        void untrustedProviderAsks() {
            Person person = SimulatedCilogon.person("other").create(keycloak);
            UserRepresentation local = localAccount(person.email(), true);

            BrowserLogin.Brokered trip = login("cilogon", person);

            assertThat(trip.succeeded()).isFalse();
            assertThat(trip.page()).contains("already exists. How do you want to continue?");
            assertThat(inference().users().get(local.getId()).getFederatedIdentity()).isEmpty();
        }

        private URI formAction(HttpResponse<String> page) {
            Matcher action = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"").matcher(page.body());
            assertThat(action.find()).as("a form on the page").isTrue();
            return page.uri().resolve(action.group(1).replace("&amp;", "&"));
        }
    }

    @Nested
    @DisplayName("an operator's allow-list (realm attributes inference.broker.*)")
    class AllowList {

        void restrict(String attribute, String value, Runnable test) {
            RealmRepresentation realm = inference().toRepresentation();
            String before = realm.getAttributes().get(attribute);
            realm.getAttributes().put(attribute, value);
            inference().update(realm);
            try {
                test.run();
            } finally {
                RealmRepresentation restore = inference().toRepresentation();
                restore.getAttributes().put(attribute, before == null ? "" : before);
                inference().update(restore);
            }
        }

        @Test
        @DisplayName("given ACCESS and IU only: a person of another institution sees the refusal page, nothing created")
        void otherInstitutionRefused() {
            Person person = SimulatedCilogon.person("outsider").elsewhere().create(keycloak);
            Person accessPerson = SimulatedCilogon.person("insider").create(keycloak);

            restrict("inference.broker.allowedIdps", SimulatedCilogon.ACCESS_IDP + "," + SimulatedCilogon.IU_IDP, () -> {
                BrowserLogin.Brokered trip = login("cilogon", person);

                assertThat(trip.succeeded()).isFalse();
                assertThat(trip.status()).isEqualTo(403);
                assertThat(trip.page()).contains("This service is not open to your institution")
                        .contains("You logged in as a member of Example University through Other institution (CILogon)")
                        .contains("id=\"inference-broker-try-again\"");
                assertThat(accountsOf(person)).isEmpty();
                assertThat(login("cilogon", accessPerson).succeeded()).as("an ACCESS person through the same button").isTrue();
                assertThat(keycloakLog()).as("Keycloak logs the refusal event, with CILogon's subject, not the email")
                        .contains("reason=\"institution_not_allowed\"").contains(person.sub().toLowerCase())
                        .doesNotContain(person.email());
            });
        }

        @Test
        @DisplayName("given faculty only, set after accounts exist: a returning member is refused at the next login")
        void returningPersonRefused() {
            Person person = SimulatedCilogon.person("member").create(keycloak);
            assertThat(login("access", person).succeeded()).isTrue();

            restrict("inference.broker.allowedAffiliations", "faculty", () -> {
                BrowserLogin.Brokered trip = login("access", person);

                assertThat(trip.status()).isEqualTo(403);
                assertThat(trip.page()).contains("This service is not open to your institution");
            });
            assertThat(login("access", person).succeeded()).as("allowed again once the list is lifted").isTrue();
        }
    }
}
