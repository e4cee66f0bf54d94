package org.inferenceauth.gateway.limit.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.inferenceauth.gateway.auth.Identity;

/**
 * Who pays for a request (the contract's "Enforcement"): the person — the credential's subject, so
 * all their keys and tokens share one budget, or the person a trusted web UI names by email, with the
 * realm's person defaults — then the project with its shared budget, then the key with its caps.
 * Only payers with limits are listed; the first listed that refuses decides the answer.
 */
public final class Payers {

    private final LimitSet configuredDefaults;

    /** @param configuredDefaults the person's limits when Keycloak delivered none ({@code GATEWAY_RATE_LIMIT_*}) */
    public Payers(LimitSet configuredDefaults) {
        this.configuredDefaults = configuredDefaults;
    }

    /**
     * @param attributedEmail the person a trusted web UI named for this call, or {@code null}: the web
     *                        UI's own account, project and key are then not charged at all
     */
    public List<Scope> of(Identity identity, String attributedEmail) {
        DeliveredLimits delivered = identity.limits();
        List<Scope> scopes = new ArrayList<>(3);
        if (identity.kind() == Identity.Kind.NONE) {
            return scopes; // let through unauthenticated (audit mode, legacy subnet): nobody to charge, as before the migration
        }
        if (identity.kind() == Identity.Kind.LEGACY_KEY) { // everyone sharing the key shares the default limits
            add(scopes, new Scope(Scope.Kind.KEY, identity.keyId(), configuredDefaults));
            return scopes;
        }
        if (attributedEmail != null) {
            add(scopes, new Scope(Scope.Kind.USER, "email:" + attributedEmail.toLowerCase(Locale.ROOT),
                    delivered == null ? configuredDefaults : delivered.defaultUser()));
            return scopes;
        }
        add(scopes, new Scope(Scope.Kind.USER, identity.subject(), delivered == null ? configuredDefaults : delivered.user()));
        if (delivered == null) {
            return scopes;
        }
        String project = identity.project() != null ? identity.project() : delivered.projectName();
        if (project != null) {
            add(scopes, new Scope(Scope.Kind.PROJECT, project, delivered.project()));
        }
        if (identity.keyId() != null) {
            add(scopes, new Scope(Scope.Kind.KEY, identity.keyId(), delivered.key()));
        }
        return scopes;
    }

    private static void add(List<Scope> scopes, Scope scope) {
        if (!scope.limits().isEmpty()) {
            scopes.add(scope);
        }
    }
}
