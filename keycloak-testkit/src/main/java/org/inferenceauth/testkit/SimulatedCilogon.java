package org.inferenceauth.testkit;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * DEMO / TEST ONLY: the realm {@code cilogon-simulated} ({@code realm-config/dev/cilogon-simulated-realm.json})
 * that plays CILogon in the same Keycloak, and the environment that points the {@code access},
 * {@code iu} and {@code cilogon} identity providers of realm {@code inference} at it.
 */
public final class SimulatedCilogon {

    public static final String REALM = "cilogon-simulated";
    /** The realm import, relative to the repository root. */
    public static final String REALM_FILE = "realm-config/dev/cilogon-simulated-realm.json";

    public static final String CLIENT_ID = "cilogon:/client_id/simulated-inference-auth";
    public static final String CLIENT_SECRET = "simulated-cilogon-client-secret";

    /** Password of every user the realm import defines. */
    public static final String DEMO_PASSWORD = "demo-password";
    /** An ACCESS-CI person, MFA: {@code adalovelace@access-ci.org}. */
    public static final String ACCESS_USER = "access-demo";
    /** An Indiana University person, MFA: {@code ghopper@iu.edu}. */
    public static final String IU_USER = "iu-demo";

    public static final String ACCESS_IDP = "https://access-ci.org/idp";
    public static final String IU_IDP = "urn:mace:incommon:iu.edu";
    public static final String MFA = "https://refeds.org/profile/mfa";

    private SimulatedCilogon() {}

    /** The simulated CILogon's issuer under a Keycloak at {@code keycloakUrl} (e.g. {@code http://localhost:8080}). */
    public static String issuer(String keycloakUrl) {
        return keycloakUrl + "/realms/" + REALM;
    }

    /**
     * The {@code CILOGON_*} variables of realm {@code inference}, pointing at the simulated CILogon of
     * the Keycloak at {@code keycloakUrl}, plus the simulated realm's own redirect-URI base.
     */
    public static Map<String, String> environment(String keycloakUrl) {
        String endpoints = issuer(keycloakUrl) + "/protocol/openid-connect";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CILOGON_CLIENT_ID", CLIENT_ID);
        env.put("CILOGON_CLIENT_SECRET", CLIENT_SECRET);
        env.put("CILOGON_ISSUER", issuer(keycloakUrl));
        env.put("CILOGON_AUTHORIZATION_URL", endpoints + "/auth");
        env.put("CILOGON_TOKEN_URL", endpoints + "/token");
        env.put("CILOGON_USERINFO_URL", endpoints + "/userinfo");
        env.put("CILOGON_JWKS_URL", endpoints + "/certs");
        env.put("CILOGON_SIMULATED_BROKER_URL", keycloakUrl + "/realms/" + TestRealm.REALM + "/broker");
        return env;
    }

    /** A new person of the simulated CILogon, unique per call; see {@link Person.Builder}. */
    public static Person.Builder person(String namePrefix) {
        return new Person.Builder(namePrefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * A person as the simulated CILogon asserts them (user {@code username}, password
     * {@link #DEMO_PASSWORD}): CILogon's {@code sub}, the institution's {@code idp}, {@code eppn} and
     * {@code affiliation}, and their email ({@code null}: none released).
     */
    public record Person(String username, String email, String sub, String idp, String eppn) {

        /** Builds a person of ACCESS (MFA) unless told otherwise. */
        public static final class Builder {
            private final String username;
            private String idp = ACCESS_IDP;
            private String idpName = "ACCESS";
            private String scope = "access-ci.org";
            private String affiliation = "member@access-ci.org";
            private String acr = MFA;
            private String email;
            private boolean emailReleased = true;

            private Builder(String username) {
                this.username = username;
            }

            public Builder iu() {
                return institution(IU_IDP, "Indiana University", "iu.edu", "faculty@iu.edu;member@iu.edu");
            }

            /** An institution no allow-list of the tests names. */
            public Builder elsewhere() {
                return institution("https://idp.example.org/idp/shibboleth", "Example University", "example.org", "student@example.org");
            }

            public Builder institution(String idp, String idpName, String scope, String affiliation) {
                this.idp = idp;
                this.idpName = idpName;
                this.scope = scope;
                this.affiliation = affiliation;
                return this;
            }

            public Builder affiliation(String affiliation) {
                this.affiliation = affiliation;
                return this;
            }

            /** No MFA at the institution: no {@code acr} claim. */
            public Builder withoutMfa() {
                this.acr = null;
                return this;
            }

            public Builder email(String email) {
                this.email = email;
                return this;
            }

            /** The institution releases no email. */
            public Builder noEmail() {
                this.emailReleased = false;
                return this;
            }

            /** Creates the person in the simulated CILogon realm (admin API of the same server). */
            public Person create(KeycloakServer server) {
                RealmResource realm = server.getKeycloakAdminClient().realm(REALM);
                String eppn = username + "@" + scope;
                String sub = "http://cilogon.org/serverT/users/" + ThreadLocalRandom.current().nextLong(1_000_000L, 10_000_000_000L);
                UserRepresentation user = new UserRepresentation();
                user.setUsername(username);
                user.setFirstName("Test");
                user.setLastName(username);
                user.setEnabled(true);
                String released = emailReleased ? (email != null ? email : username + "@" + scope) : null;
                if (released != null) {
                    user.setEmail(released);
                    user.setEmailVerified(true);
                }
                Map<String, List<String>> attributes = new LinkedHashMap<>();
                attributes.put("cilogon_sub", List.of(sub));
                attributes.put("idp", List.of(idp));
                attributes.put("idp_name", List.of(idpName));
                attributes.put("eppn", List.of(eppn));
                attributes.put("eptid", List.of(idp + "!https://cilogon.org/shibboleth!" + UUID.randomUUID()));
                attributes.put("affiliation", List.of(affiliation));
                if (acr != null) {
                    attributes.put("acr", List.of(acr));
                }
                user.setAttributes(attributes);
                user.setCredentials(List.of(TestUsers.password(DEMO_PASSWORD)));
                try (Response response = realm.users().create(user)) {
                    CreatedResponseUtil.getCreatedId(response);
                }
                return new Person(username, released, sub, idp, eppn);
            }
        }
    }
}
