package org.inferenceauth.keycloak.limits;

import java.util.Collection;

/** The resolution order, per field, as pure functions over the levels' sets (see {@link LimitResolver}). */
public final class LimitResolution {

    private LimitResolution() {}

    /** A person: the user's attribute, else the most generous of their tiers, else the realm's user default. */
    public static LimitSet person(LimitSet user, Collection<LimitSet> tiers, LimitSet realmDefault) {
        return user.orElse(LimitSet.mostGenerous(tiers)).orElse(realmDefault);
    }

    /** A project: the project group's attribute, else its tier's ({@link LimitSet#EMPTY} if none), else the realm's project default. */
    public static LimitSet project(LimitSet project, LimitSet tier, LimitSet realmDefault) {
        return project.orElse(tier).orElse(realmDefault);
    }
}
