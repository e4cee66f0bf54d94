package org.inferenceauth.keycloak.keys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Projects are the sub-groups of the realm's projects group (e.g. {@code /projects/genomics}); a
 * user may mint keys for a project whose group, or a sub-group of it, they are a member of, and
 * always for their personal project. A project's id is its group name.
 */
public final class Projects {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeySettings settings;

    public Projects(KeycloakSession session, RealmModel realm, ApiKeySettings settings) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
    }

    List<ProjectOption> of(UserModel user) {
        List<ProjectOption> options = new ArrayList<>();
        options.add(new ProjectOption(ProjectOption.PERSONAL, "Personal"));
        parent().ifPresent(parent -> parent.getSubGroupsStream()
                .filter(user::isMemberOf)
                .sorted(Comparator.comparing(GroupModel::getName))
                .forEach(group -> options.add(new ProjectOption(group.getName(), group.getName()))));
        return options;
    }

    boolean allows(UserModel user, String project) {
        if (ProjectOption.PERSONAL.equals(project)) {
            return true;
        }
        return group(project).map(user::isMemberOf).orElse(false);
    }

    /** The project's group; empty for the personal project and for names that are no project. */
    public Optional<GroupModel> group(String project) {
        if (project == null || ProjectOption.PERSONAL.equals(project)) {
            return Optional.empty();
        }
        return parent().flatMap(parent -> parent.getSubGroupsStream()
                .filter(group -> group.getName().equals(project)).findFirst());
    }

    private Optional<GroupModel> parent() {
        return Optional.ofNullable(KeycloakModelUtils.findGroupByPath(session, realm, settings.projectsGroup()));
    }
}
