package org.inferenceauth.keycloak.limits;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Warns about an invalid limit attribute once per node (limits are read on every introspection, so
 * a warning per read would flood the log). Values are limits or tier names, never secrets.
 */
final class LimitWarnings {

    private static final Logger LOG = Logger.getLogger(LimitWarnings.class);
    /** Bounded: past it, invalid values are still ignored, just no longer reported. */
    private static final int MAX_REPORTED = 10_000;
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private LimitWarnings() {}

    /** {@code where}: e.g. {@code realm inference}, {@code group /tiers/standard}, {@code user <id>}. */
    static void once(String where, String attribute, String value) {
        String key = where + "\u0000" + attribute + "\u0000" + value;
        if (REPORTED.size() < MAX_REPORTED && REPORTED.add(key)) {
            LOG.warnf("%s: ignoring %s=%s (a positive integer or \"%s\" is expected)", where, attribute, value,
                    LimitSet.UNLIMITED);
        }
    }

    static void unknownTier(String where, String tier) {
        String key = where + "\u0000tier\u0000" + tier;
        if (REPORTED.size() < MAX_REPORTED && REPORTED.add(key)) {
            LOG.warnf("%s: %s=%s names no tier group; the project gets no tier limits", where,
                    LimitResolver.TIER_ATTRIBUTE, tier);
        }
    }
}
