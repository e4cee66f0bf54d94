package org.inferenceauth.it.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.keycloak.admin.client.resource.GroupResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Fair-use limits as operators set them through the admin API: tier groups under {@code /tiers}
 * and project groups under {@code /projects}, each with {@code limits.<field>} attributes. Every
 * group gets a unique name, so tests never share a limit.
 */
public final class LimitGroups {

    private final RealmResource realm;

    public LimitGroups(RealmResource realm) {
        this.realm = realm;
    }

    /** Puts {@code member} into a new tier with these attributes ({@code limits.requests_per_day} → {@code 1000}). */
    public void joinNewTier(UserRepresentation member, Map<String, String> attributes) {
        String tier = "tier-" + UUID.randomUUID().toString().substring(0, 8);
        subGroup(tiersGroup(), tier, attributes);
        join(member, "/tiers/" + tier);
    }

    /** A new project group with these attributes; returns its name (the project's id). */
    public String newProject(String prefix, Map<String, String> attributes) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        subGroup(realm.groups().group(realm.getGroupByPath("/projects").getId()), name, attributes);
        return name;
    }

    public void join(UserRepresentation member, String groupPath) {
        realm.users().get(member.getId()).joinGroup(realm.getGroupByPath(groupPath).getId());
    }

    /** The realm's tiers group {@code /tiers}, created when the realm has none yet. */
    private GroupResource tiersGroup() {
        try {
            return realm.groups().group(realm.getGroupByPath("/tiers").getId());
        } catch (NotFoundException absent) {
            GroupRepresentation tiers = new GroupRepresentation();
            tiers.setName("tiers");
            realm.groups().add(tiers).close(); // 409 if another test created it meanwhile: fine
            return realm.groups().group(realm.getGroupByPath("/tiers").getId());
        }
    }

    private static void subGroup(GroupResource parent, String name, Map<String, String> attributes) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        Map<String, List<String>> values = new HashMap<>();
        attributes.forEach((key, value) -> values.put(key, List.of(value)));
        group.setAttributes(values);
        try (Response response = parent.subGroup(group)) {
            assertThat(response.getStatus()).isEqualTo(201);
        }
    }
}
