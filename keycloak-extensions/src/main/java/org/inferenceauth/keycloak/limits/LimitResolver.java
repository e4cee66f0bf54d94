package org.inferenceauth.keycloak.limits;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.keys.Projects;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Finds the limits that apply to a person, a project and a key, from the realm's attributes, the
 * tier groups, project groups and user attributes (see {@link LimitResolution} for the order).
 * Reads only; one instance per request.
 */
public final class LimitResolver {

    /** Prefix of the limit attributes on users, tier groups and project groups: {@code limits.requests_per_minute}. */
    public static final String ATTRIBUTE_PREFIX = "limits.";
    /** Project group attribute naming the project's tier (a tier group's name, e.g. {@code standard}). */
    public static final String TIER_ATTRIBUTE = ATTRIBUTE_PREFIX + "tier";

    private final KeycloakSession session;

    public LimitResolver(KeycloakSession session) {
        this.session = session;
    }

    /** The person's limits: user attribute, else their tiers' (most generous), else the realm's user default. */
    public LimitSet forUser(RealmModel realm, UserModel user) {
        return forUser(realm, LimitSettings.of(realm), user);
    }

    /** The project's limits: project group attribute, else its tier's ({@value #TIER_ATTRIBUTE}), else the realm's project default. */
    public LimitSet forProject(RealmModel realm, GroupModel projectGroup) {
        return forProject(realm, LimitSettings.of(realm), projectGroup);
    }

    /**
     * The limits of the project a key belongs to ({@code personal} or a project group's name):
     * {@link LimitSet#EMPTY} for the personal project (the person's own limits cover it) and for a
     * name that is no project group.
     */
    public LimitSet forProject(RealmModel realm, String project) {
        return projectGroup(realm, project).map(group -> forProject(realm, group)).orElse(LimitSet.EMPTY);
    }

    /** The realm's user defaults (no tier): what a gateway applies to a person a trusted web UI names by email. */
    public LimitSet defaultUser(RealmModel realm) {
        return LimitSettings.of(realm).userDefaults();
    }

    /** The group of the project with this name (as keys record it); empty for {@code personal} and unknown names. */
    public Optional<GroupModel> projectGroup(RealmModel realm, String project) {
        return new Projects(session, realm, ApiKeySettings.of(realm)).group(project);
    }

    /** Everything a gateway gets with an API key (or a token obtained with one). */
    public DeliveredLimits forKey(RealmModel realm, UserModel owner, String project, LimitSet keyCaps) {
        LimitSettings settings = LimitSettings.of(realm);
        LimitSet projectLimits = projectGroup(realm, project)
                .map(group -> forProject(realm, settings, group)).orElse(LimitSet.EMPTY);
        return new DeliveredLimits(forUser(realm, settings, owner), projectLimits, keyCaps, settings.userDefaults());
    }

    /** Everything a gateway gets with a person's access token (no key, no project). */
    public DeliveredLimits forPerson(RealmModel realm, UserModel user) {
        LimitSettings settings = LimitSettings.of(realm);
        return new DeliveredLimits(forUser(realm, settings, user), LimitSet.EMPTY, LimitSet.EMPTY, settings.userDefaults());
    }

    private LimitSet forUser(RealmModel realm, LimitSettings settings, UserModel user) {
        LimitSet own = LimitSet.fromAttributes(ATTRIBUTE_PREFIX, user::getFirstAttribute,
                (attribute, value) -> LimitWarnings.once("realm " + realm.getName() + ", user " + user.getId(),
                        attribute, value));
        List<LimitSet> tiers = tiers(realm, settings).filter(user::isMemberOf)
                .map(group -> ofGroup(realm, group)).toList();
        return LimitResolution.person(own, tiers, settings.userDefaults());
    }

    private LimitSet forProject(RealmModel realm, LimitSettings settings, GroupModel projectGroup) {
        String tierName = projectGroup.getFirstAttribute(TIER_ATTRIBUTE);
        LimitSet tier = LimitSet.EMPTY;
        if (tierName != null && !tierName.isBlank()) {
            Optional<GroupModel> tierGroup = tiers(realm, settings)
                    .filter(group -> group.getName().equals(tierName.strip())).findFirst();
            if (tierGroup.isEmpty()) {
                LimitWarnings.unknownTier("realm " + realm.getName() + ", group " + path(projectGroup), tierName);
            }
            tier = tierGroup.map(group -> ofGroup(realm, group)).orElse(LimitSet.EMPTY);
        }
        return LimitResolution.project(ofGroup(realm, projectGroup), tier, settings.projectDefaults());
    }

    /** The tier groups: direct sub-groups of the tiers group (none if it does not exist). */
    private Stream<GroupModel> tiers(RealmModel realm, LimitSettings settings) {
        GroupModel parent = KeycloakModelUtils.findGroupByPath(session, realm, settings.tiersGroup());
        return parent == null ? Stream.empty() : parent.getSubGroupsStream();
    }

    private static LimitSet ofGroup(RealmModel realm, GroupModel group) {
        return LimitSet.fromAttributes(ATTRIBUTE_PREFIX, group::getFirstAttribute,
                (attribute, value) -> LimitWarnings.once("realm " + realm.getName() + ", group " + path(group),
                        attribute, value));
    }

    private static String path(GroupModel group) {
        return KeycloakModelUtils.buildGroupPath(group);
    }
}
