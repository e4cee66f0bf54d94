package org.inferenceauth.keycloak.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

@DisplayName("Which admin changes are announced as recheck_all")
class RealmWideChangeTest {

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource({
            "GROUP, DELETE, groups/g1, true",
            "GROUP, UPDATE, groups/g1, true",
            "GROUP, CREATE, groups/g1/children, true",
            "REALM_ROLE_MAPPING, DELETE, groups/g1/role-mappings/realm, true",
            "CLIENT_ROLE_MAPPING, DELETE, groups/g1/role-mappings/clients/c1, true",
            "REALM_ROLE, DELETE, roles-by-id/r1/composites, true",
            "REALM_ROLE, DELETE, roles/inference-user, true",
            "REALM_ROLE, UPDATE, roles-by-id/r1, true",
            "CLIENT_ROLE, DELETE, clients/c1/roles/grant, true",
            "CLIENT, DELETE, clients/c1, true",
            "REALM, UPDATE, '', true",
            // what one user's keys are worked out for, key by key, or what takes nothing away
            "REALM_ROLE_MAPPING, DELETE, users/u1/role-mappings/realm, false",
            "CLIENT_ROLE_MAPPING, DELETE, users/u1/role-mappings/clients/c1, false",
            "REALM_ROLE_MAPPING, CREATE, groups/g1/role-mappings/realm, false",
            "GROUP_MEMBERSHIP, DELETE, users/u1/groups/g1, false",
            "USER, UPDATE, users/u1, false",
            "REALM_ROLE, CREATE, roles, false",
            "CLIENT, UPDATE, clients/c1, false",
            "CLIENT_SCOPE, DELETE, client-scopes/s1, false",
    })
    void announces(ResourceType type, OperationType operation, String path, boolean expected) {
        AdminEvent event = new AdminEvent();
        event.setResourceType(type);
        event.setOperationType(operation);
        event.setResourcePath(path);
        assertThat(RealmWideChange.announces(event)).isEqualTo(expected);
    }
}
