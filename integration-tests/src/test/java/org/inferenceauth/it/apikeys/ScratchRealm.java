package org.inferenceauth.it.apikeys;

import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.it.usage.UsageApi;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * A throwaway realm on the shared server, created through the admin REST API with settings of its
 * own (realm attributes), so that a test can change what the shipped realm must keep. It has what
 * the API key endpoints need: the roles to mint keys and use the API (default roles of the realm)
 * and a gateway client {@value #GATEWAY_CLIENT} holding {@code api-key-introspector}; the role
 * {@code usage-reporter} exists (nobody holds it), so realm-wide usage numbers are exact. Removed by
 * {@link #close()}.
 */
public final class ScratchRealm implements AutoCloseable {

    public static final String GATEWAY_CLIENT = "gateway";
    public static final String GATEWAY_SECRET = "scratch-gateway-secret";

    private final KeycloakServer keycloak;
    private final String name;
    private final RealmResource realm;

    private ScratchRealm(KeycloakServer keycloak, String name) {
        this.keycloak = keycloak;
        this.name = name;
        this.realm = keycloak.getKeycloakAdminClient().realm(name);
    }

    /** A new realm named {@code prefix-<random>} with these realm attributes. */
    public static ScratchRealm create(KeycloakServer keycloak, String prefix, Map<String, String> attributes) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        RealmRepresentation rep = new RealmRepresentation();
        rep.setRealm(name);
        rep.setEnabled(true);
        rep.setAttributes(new HashMap<>(attributes));
        keycloak.getKeycloakAdminClient().realms().create(rep);
        ScratchRealm scratch = new ScratchRealm(keycloak, name);
        scratch.addRolesAndGateway();
        return scratch;
    }

    private void addRolesAndGateway() {
        for (String role : List.of("api-key-user", "api-key-introspector", TestRealm.INFERENCE_USER_ROLE, "usage-reporter")) {
            realm.roles().create(new RoleRepresentation(role, null, false));
        }
        // Minting needs api-key-user; using a key needs the required role (inference.apikey.requiredRole).
        realm.roles().get("default-roles-" + name).addComposites(List.of(
                realm.roles().get("api-key-user").toRepresentation(),
                realm.roles().get(TestRealm.INFERENCE_USER_ROLE).toRepresentation()));

        ClientRepresentation gateway = new ClientRepresentation();
        gateway.setClientId(GATEWAY_CLIENT);
        gateway.setSecret(GATEWAY_SECRET);
        gateway.setPublicClient(false);
        gateway.setServiceAccountsEnabled(true);
        gateway.setStandardFlowEnabled(false);
        String gatewayId;
        try (Response response = realm.clients().create(gateway)) {
            gatewayId = CreatedResponseUtil.getCreatedId(response);
        }
        String serviceAccount = realm.clients().get(gatewayId).getServiceAccountUser().getId();
        realm.users().get(serviceAccount).roles().realmLevel()
                .add(List.of(realm.roles().get("api-key-introspector").toRepresentation()));
    }

    public String name() {
        return name;
    }

    /** The realm's internal id (the REALM_ID of its rows). */
    public String id() {
        return realm.toRepresentation().getId();
    }

    public RealmResource resource() {
        return realm;
    }

    /** The realm's issuer, as in its tokens. */
    public String issuer() {
        return keycloak.getIssuer(name);
    }

    /** The API key endpoints of this realm, with its gateway client. */
    ApiKeysApi api() {
        return new ApiKeysApi(keycloak, name, GATEWAY_CLIENT, GATEWAY_SECRET);
    }

    /** The usage endpoints of this realm, with its gateway client. */
    public UsageApi usage() {
        return new UsageApi(keycloak, name, GATEWAY_CLIENT, GATEWAY_SECRET);
    }

    @Override
    public void close() {
        realm.remove();
    }
}
