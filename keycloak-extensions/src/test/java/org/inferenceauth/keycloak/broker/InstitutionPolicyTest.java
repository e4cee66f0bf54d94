package org.inferenceauth.keycloak.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.models.RealmModel;

class InstitutionPolicyTest {

    static final String ACCESS = "https://access-ci.org/idp";
    static final String IU = "urn:mace:incommon:iu.edu";

    static RealmModel realm(Map<String, String> attributes) {
        return (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(), new Class<?>[] {RealmModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static InstitutionPolicy policy(String idps, String affiliations) {
        return new InstitutionPolicy(new BrokerSettings(
                idps.isEmpty() ? List.of() : List.of(idps.split(",")),
                affiliations.isEmpty() ? List.of() : List.of(affiliations.split(","))));
    }

    @Nested
    @DisplayName("settings")
    class Settings {

        @Test
        @DisplayName("given no attributes, then nothing is restricted")
        void defaults() {
            assertThat(BrokerSettings.of(realm(Map.of()))).isEqualTo(new BrokerSettings(List.of(), List.of()));
        }

        @Test
        @DisplayName("given comma lists with blanks, then trimmed entries")
        void lists() {
            BrokerSettings settings = BrokerSettings.of(realm(Map.of(
                    "inference.broker.allowedIdps", " " + ACCESS + " , ," + IU,
                    "inference.broker.allowedAffiliations", "faculty, staff@iu.edu ")));
            assertThat(settings.allowedIdps()).containsExactly(ACCESS, IU);
            assertThat(settings.allowedAffiliations()).containsExactly("faculty", "staff@iu.edu");
        }

        @Test
        @DisplayName("given empty attributes (as the shipped realm has), then nothing is restricted")
        void emptyValues() {
            BrokerSettings settings = BrokerSettings.of(realm(Map.of(
                    "inference.broker.allowedIdps", "", "inference.broker.allowedAffiliations", " ")));
            assertThat(new InstitutionPolicy(settings).admits("https://idp.example.org/idp/shibboleth", null)).isTrue();
        }
    }

    @Test
    @DisplayName("given no lists, then anyone is admitted, even without idp or affiliation")
    void unrestricted() {
        assertThat(policy("", "").admits(null, null)).isTrue();
    }

    @ParameterizedTest(name = "idp {0} -> {1}")
    @CsvSource({
            ACCESS + ", true",
            IU + ", true",
            "https://idp.example.org/idp/shibboleth, false",
            "HTTPS://ACCESS-CI.ORG/IDP, false"
    })
    @DisplayName("given an idp list, then only listed entity IDs (exact) are admitted")
    void idpList(String idp, boolean admitted) {
        assertThat(policy(ACCESS + "," + IU, "").admits(idp, null)).isEqualTo(admitted);
    }

    @Test
    @DisplayName("given an idp list, then a token without idp is refused")
    void missingIdp() {
        assertThat(policy(ACCESS, "").admits(null, "member@access-ci.org")).isFalse();
    }

    @ParameterizedTest(name = "{0} allowed, holds {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "faculty         | faculty@iu.edu;member@iu.edu | true",
            "faculty         | student@iu.edu               | false",
            "staff@iu.edu    | staff@iu.edu                 | true",
            "staff@iu.edu    | staff@example.org            | false",
            "Staff@IU.edu    | STAFF@iu.edu                 | true",
            "member          | member                       | true",
            "faculty,staff   | student@x.edu;staff@x.edu    | true"
    })
    @DisplayName("given an affiliation list, then one matching affiliation (scoped or unscoped) admits")
    void affiliationList(String allowed, String held, boolean admitted) {
        assertThat(policy("", allowed.trim()).admits(IU, held.trim())).isEqualTo(admitted);
    }

    @Test
    @DisplayName("given an affiliation list, then a token without affiliation is refused")
    void missingAffiliation() {
        assertThat(policy("", "member").admits(IU, null)).isFalse();
    }

    @Test
    @DisplayName("given both lists, then both must hold")
    void both() {
        InstitutionPolicy policy = policy(IU, "faculty");
        assertThat(policy.admits(IU, "faculty@iu.edu")).isTrue();
        assertThat(policy.admits(IU, "student@iu.edu")).isFalse();
        assertThat(policy.admits(ACCESS, "faculty@access-ci.org")).isFalse();
    }

    @Test
    @DisplayName("affiliations come as CILogon's ;-joined string or as a list")
    void affiliationShapes() {
        assertThat(InstitutionPolicy.affiliations("Faculty@iu.edu; member@iu.edu")).containsExactly("faculty@iu.edu", "member@iu.edu");
        assertThat(InstitutionPolicy.affiliations(List.of("a@x", "b@x;c@x"))).containsExactly("a@x", "b@x", "c@x");
        assertThat(InstitutionPolicy.affiliations(null)).isEmpty();
    }
}
