package org.inferenceauth.it.usage;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.testkit.KeycloakServer;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * A realm of its own in the shared Keycloak, so that realm-wide numbers (distinct people, totals)
 * are exact whatever other tests do: a gateway client with the introspector role, the reporter
 * role, and attributes of the test's choosing. Deleted by the test (or left for the run's end).
 */
final class ScratchRealm {

    static final String GATEWAY = "scratch-gateway";
    static final String GATEWAY_SECRET = "scratch-gateway-secret";

    final String name;
    final RealmResource admin;
    final UsageApi usage;

    private ScratchRealm(String name, RealmResource admin, UsageApi usage) {
        this.name = name;
        this.admin = admin;
        this.usage = usage;
    }

    static ScratchRealm create(KeycloakServer server, Map<String, String> attributes) {
        String name = "usage-" + UUID.randomUUID().toString().substring(0, 8);
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(name);
        realm.setEnabled(true);
        realm.setAttributes(attributes);
        server.getKeycloakAdminClient().realms().create(realm);
        RealmResource admin = server.getKeycloakAdminClient().realm(name);
        admin.roles().create(role("api-key-introspector"));
        admin.roles().create(role("usage-reporter"));

        ClientRepresentation gateway = new ClientRepresentation();
        gateway.setClientId(GATEWAY);
        gateway.setSecret(GATEWAY_SECRET);
        gateway.setPublicClient(false);
        gateway.setServiceAccountsEnabled(true);
        gateway.setStandardFlowEnabled(false);
        String clientId;
        try (Response created = admin.clients().create(gateway)) {
            clientId = CreatedResponseUtil.getCreatedId(created);
        }
        String serviceAccount = admin.clients().get(clientId).getServiceAccountUser().getId();
        admin.users().get(serviceAccount).roles().realmLevel()
                .add(List.of(admin.roles().get("api-key-introspector").toRepresentation()));
        return new ScratchRealm(name, admin, new UsageApi(server, name, GATEWAY, GATEWAY_SECRET));
    }

    String id() {
        return admin.toRepresentation().getId();
    }

    private static RoleRepresentation role(String name) {
        RoleRepresentation role = new RoleRepresentation();
        role.setName(name);
        return role;
    }
}
