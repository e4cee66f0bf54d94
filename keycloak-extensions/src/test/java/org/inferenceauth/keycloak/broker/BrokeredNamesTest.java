package org.inferenceauth.keycloak.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokeredNamesTest {

    @Nested
    @DisplayName("the username of a new brokered account")
    class Username {

        @Test
        @DisplayName("given an eppn, then the eppn, lower-cased")
        void eppn() {
            assertThat(BrokeredUsername.of("AdaLovelace@ACCESS-CI.org", "http://cilogon.org/serverE/users/1"))
                    .isEqualTo("adalovelace@access-ci.org");
        }

        @ParameterizedTest(name = "eppn \"{0}\"")
        @CsvSource(value = {"''", "'  '", "ab", "'a b@x.edu'", "'a/b@x.edu'", "'x:y@x.edu'"}, nullValues = "NULL")
        @DisplayName("given no usable eppn, then a name from CILogon's subject, which is never reassigned")
        void fromSubject(String eppn) {
            assertThat(BrokeredUsername.of(eppn, "http://cilogon.org/serverA/users/12345"))
                    .isEqualTo("cilogon.org-servera-users-12345");
        }

        @Test
        @DisplayName("given neither, then empty (Keycloak then asks the person for a username)")
        void nothing() {
            assertThat(BrokeredUsername.of(null, null)).isEmpty();
        }

        @Test
        @DisplayName("given a very long subject, then its distinguishing end, within Keycloak's 255 characters")
        void longSubject() {
            String subject = "https://idp.example.org/" + "x".repeat(300) + "/users/42";
            assertThat(BrokeredUsername.of(null, subject)).hasSize(255).endsWith("-users-42");
        }
    }

    @Nested
    @DisplayName("the local part of a scoped claim (the ACCESS username)")
    class LocalPart {

        @ParameterizedTest(name = "{0} in {1} -> \"{2}\"")
        @CsvSource(value = {
                "jdoe@access-ci.org, access-ci.org, jdoe",
                "JDoe@ACCESS-CI.ORG, access-ci.org, JDoe",
                "jdoe@iu.edu, access-ci.org, ",
                "jdoe@sub.access-ci.org, access-ci.org, ",
                "@access-ci.org, access-ci.org, ",
                "a@b@access-ci.org, access-ci.org, ",
                "jdoe, access-ci.org, "
        })
        @DisplayName("given a claim, then the local part only when the scope matches exactly")
        void localPart(String claim, String scope, String expected) {
            assertThat(ScopedName.localPart(claim, scope).orElse(null)).isEqualTo(expected);
        }

        @Test
        @DisplayName("given no claim or no scope, then nothing")
        void missing() {
            assertThat(ScopedName.localPart(null, "access-ci.org")).isEmpty();
            assertThat(ScopedName.localPart("jdoe@access-ci.org", " ")).isEmpty();
        }
    }
}
