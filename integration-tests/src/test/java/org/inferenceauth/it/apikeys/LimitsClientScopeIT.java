package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The client scope {@code inference-limits} for a realm that existed before it asked for the scope
 * (an upgrade): the next start creates it. Restarts Keycloak.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("An existing realm that asks for the inference-limits client scope gets it at the next start")
class LimitsClientScopeIT {

    @Test
    @DisplayName("created at the start after inference.limits.clientScope=true, as a realm default and on the existing clients; not in realms that do not ask")
    void createdAtNextStart(KeycloakServer keycloak) {
        ScratchRealm asking = ScratchRealm.create(keycloak, "upgraded", Map.of());
        ScratchRealm silent = ScratchRealm.create(keycloak, "silent", Map.of());
        String askingName = asking.name();
        String silentName = silent.name();
        try {
            assertThat(scopeNames(asking.resource())).as("not asked for at creation").doesNotContain("inference-limits");
            RealmRepresentation rep = asking.resource().toRepresentation();
            Map<String, String> attributes = new HashMap<>(rep.getAttributes() == null ? Map.of() : rep.getAttributes());
            attributes.put("inference.limits.clientScope", "true");
            rep.setAttributes(attributes);
            asking.resource().update(rep);

            keycloak.stop();
            keycloak.start();

            RealmResource realm = keycloak.getKeycloakAdminClient().realm(askingName);
            assertThat(realm.getDefaultDefaultClientScopes()).extracting(ClientScopeRepresentation::getName)
                    .contains("inference-limits");
            String gateway = realm.clients().findByClientId(ScratchRealm.GATEWAY_CLIENT).get(0).getId();
            assertThat(realm.clients().get(gateway).getDefaultClientScopes()).extracting(ClientScopeRepresentation::getName)
                    .contains("inference-limits");
            ClientScopeRepresentation scope = realm.clientScopes().findAll().stream()
                    .filter(s -> "inference-limits".equals(s.getName())).findFirst().orElseThrow();
            assertThat(scope.getProtocolMappers()).extracting(m -> m.getProtocolMapper())
                    .containsExactly("inference-limits-mapper");
            assertThat(scopeNames(keycloak.getKeycloakAdminClient().realm(silentName))).doesNotContain("inference-limits");
        } finally {
            for (String name : List.of(askingName, silentName)) {
                keycloak.getKeycloakAdminClient().realm(name).remove();
            }
        }
    }

    private static List<String> scopeNames(RealmResource realm) {
        return realm.clientScopes().findAll().stream().map(ClientScopeRepresentation::getName).toList();
    }
}
