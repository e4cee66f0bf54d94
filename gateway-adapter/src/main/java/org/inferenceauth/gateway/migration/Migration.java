package org.inferenceauth.gateway.migration;

import io.vertx.core.MultiMap;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.CredentialExtractor;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.config.MigrationSettings;
import org.inferenceauth.gateway.config.MigrationSettings.LegacyKey;
import org.inferenceauth.gateway.config.MigrationSettings.LegacySubnet;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * The rules of the way from an open API to personal credentials, asked by {@code Admission} only:
 * a shared legacy key is recognised before any verifier sees it (accepted until its sunset, then
 * refused with directions to a personal key, in either mode); a call that failed authentication
 * passes when it comes from a legacy subnet (either mode) or in audit mode. Everything else of
 * admission stays as it is: the allow-list, forward-auth's path checks, and the scopes and limits
 * of every caller that did authenticate. Each pass is counted and logged once per window.
 */
public final class Migration {

    /** The identity of a call let through without one: no headers, no payers, no usage. */
    private static final Identity NOBODY = new Identity(Identity.Kind.NONE, null, null, null, null, null,
            null, null, null);
    private static final String LEGACY_KEY_ID = "legacy-"; // real key ids are base62: never the same

    /** A shared key was presented: let through as {@code identity}, or refused with {@code error} (past its sunset). */
    public sealed interface LegacyUse {
        String label();

        record Accepted(Identity identity, String label) implements LegacyUse {}

        record Retired(OpenAiError error, String label) implements LegacyUse {}
    }

    /**
     * A call let through without a valid credential.
     *
     * @param outcome {@code audit} or {@code legacy_subnet}, for the access log's {@code auth_outcome}
     * @param detail  the audit reason or the subnet
     */
    public record Pass(String outcome, String detail, Identity identity) {}

    private final MigrationSettings settings;
    private final LegacyKeys legacyKeys;
    private final GatewayMetrics metrics;
    private final MigrationLog log;
    private final Clock clock;
    private final String realm;

    /**
     * @param logOut where the once-per-window lines go (the access log's stream)
     * @param clock  decides sunsets (tests move it past one)
     * @param realm  the realm's name, for a retired key's {@code WWW-Authenticate} challenge
     */
    public Migration(MigrationSettings settings, GatewayMetrics metrics, PrintStream logOut, Clock clock, String realm) {
        this.settings = settings;
        this.legacyKeys = new LegacyKeys(settings.legacyKeys());
        this.metrics = metrics;
        this.log = new MigrationLog(settings.logWindow(), logOut);
        this.clock = clock;
        this.realm = realm;
    }

    /** Whether the request's one credential is a legacy key; no hashing at all when none are configured. */
    public Optional<LegacyUse> legacyKey(MultiMap headers, Caller caller) {
        if (legacyKeys.isEmpty() || !(CredentialExtractor.find(headers) instanceof CredentialExtractor.Found.One one)) {
            return Optional.empty();
        }
        return legacyKeys.match(one.credential()).map(key -> use(key, caller));
    }

    private LegacyUse use(LegacyKey key, Caller caller) {
        if (clock.instant().isBefore(key.retiredAt())) {
            metrics.legacyKey(key.label(), "accepted");
            metrics.auth("legacy_key", "api", "authenticated");
            log.note("legacy_key", key.label(), caller);
            return new LegacyUse.Accepted(new Identity(Identity.Kind.LEGACY_KEY, null, null, null,
                    LEGACY_KEY_ID + key.label(), null, null, null, key.retiredAt()), key.label());
        }
        metrics.legacyKey(key.label(), "retired");
        metrics.auth("legacy_key", "none", "rejected");
        log.note("legacy_key_retired", key.label(), caller);
        return new LegacyUse.Retired(OpenAiError.retiredSharedKey(realm, key.sunset(), settings.personalKeyUrl()),
                key.label());
    }

    /**
     * Whether a call that did not authenticate passes anyway.
     *
     * @param refused what authentication said (rejected, throttled, unavailable)
     */
    public Optional<Pass> letThrough(AuthResult refused, Caller caller) {
        Optional<LegacySubnet> subnet = settings.legacySubnets().stream()
                .filter(s -> s.network().containsAddress(caller.address()) && s.activeAt(clock.instant())).findFirst();
        if (subnet.isPresent()) {
            String network = subnet.get().network().toString();
            metrics.legacySubnetPass(network);
            log.note("legacy_subnet", network, caller);
            return Optional.of(new Pass("legacy_subnet", network, NOBODY));
        }
        if (!settings.audit()) {
            return Optional.empty();
        }
        String reason = reason(refused);
        metrics.auditPass(reason);
        log.note("audit", reason, caller);
        return Optional.of(new Pass("audit", reason, NOBODY));
    }

    static String reason(AuthResult refused) {
        if (refused instanceof AuthResult.Rejected rejected) {
            return switch (rejected.reason()) {
                case AuthResult.MISSING -> "missing";
                case AuthResult.AMBIGUOUS -> "multiple_credentials";
                case AuthResult.MALFORMED -> "malformed";
                default -> "invalid";
            };
        }
        return refused instanceof AuthResult.Throttled ? "throttled" : "keycloak_unavailable";
    }
}
