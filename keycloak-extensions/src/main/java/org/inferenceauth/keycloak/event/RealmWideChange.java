package org.inferenceauth.keycloak.event;

import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

/**
 * Admin changes that may make keys of many users stop validating without naming any of them: a role
 * taken from a group or out of a composite (the realm's default roles are one), a role, group or
 * client deleted or changed (a project group renamed or moved out of the projects group), the realm's
 * settings (its required role, its projects group). Working out which keys they affect would mean
 * walking every member and every key inside the admin's request; instead the feed says
 * {@code recheck_all} and each gateway re-checks the keys it holds, paced. Erring towards announcing:
 * a needless announcement costs one paced re-check per gateway, a missed one a revoked key served
 * until the gateways' periodic re-check.
 */
final class RealmWideChange {

    private RealmWideChange() {}

    static boolean announces(AdminEvent event) {
        ResourceType type = event.getResourceType();
        OperationType operation = event.getOperationType();
        String path = event.getResourcePath() == null ? "" : event.getResourcePath();
        if (type == null || operation == null) {
            return false;
        }
        return switch (type) {
            // Creation included: re-parenting a group (moving it out of /projects) is a POST of the group.
            case GROUP -> operation == OperationType.DELETE || operation == OperationType.UPDATE
                    || operation == OperationType.CREATE;
            case REALM_ROLE_MAPPING, CLIENT_ROLE_MAPPING -> operation == OperationType.DELETE && path.startsWith("groups/");
            case REALM_ROLE, CLIENT_ROLE -> operation == OperationType.DELETE || operation == OperationType.UPDATE;
            case CLIENT -> operation == OperationType.DELETE;
            case REALM -> operation == OperationType.UPDATE;
            default -> false;
        };
    }
}
