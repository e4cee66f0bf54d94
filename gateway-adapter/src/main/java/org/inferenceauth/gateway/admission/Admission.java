package org.inferenceauth.gateway.admission;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.async.Futures;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.BudgetHeaders;
import org.inferenceauth.gateway.limit.LimitDecision;
import org.inferenceauth.gateway.limit.Limiter;
import org.inferenceauth.gateway.limit.policy.Payers;
import org.inferenceauth.gateway.limit.policy.RequestCaps;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.migration.Caller;
import org.inferenceauth.gateway.migration.Migration;
import org.inferenceauth.gateway.net.ClientAddress;

/**
 * The one admission step every front door (the proxy, forward-auth) runs: who is calling (and from
 * where; or, while a site migrates from an open API, whether the call may pass without a
 * credential, see {@link Migration}), for whom (a person a trusted web UI names), may it use the
 * model, does the request stay within its per-request caps and its payers' limits, and which
 * OpenAI-style answer a refusal gets.
 * A front door only turns its request into this input and the {@link Verdict} into its kind of
 * response, so a rule changed here holds for every way in.
 */
public final class Admission {

    private final Authenticator authenticator;
    private final Migration migration;
    private final Payers payers;
    private final Limiter limiter;
    private final ClientAddress clientAddress;
    private final GatewayMetrics metrics;
    private final Duration retryAfter;
    private final OpenAiError missingCredential;
    private final OpenAiError ambiguousCredential;
    private final OpenAiError invalidCredential;
    private final OpenAiError invalidServiceCredential;
    private final OpenAiError invalidBasicCredential;

    /** @param realm the Keycloak realm's name, named in every {@code WWW-Authenticate} challenge */
    public Admission(Authenticator authenticator, Migration migration, Payers payers, Limiter limiter,
                     ClientAddress clientAddress, GatewayMetrics metrics, Duration retryAfter, String realm) {
        this.authenticator = authenticator;
        this.migration = migration;
        this.payers = payers;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.retryAfter = retryAfter;
        this.missingCredential = OpenAiError.missingCredential(realm);
        this.ambiguousCredential = OpenAiError.ambiguousCredential(realm);
        this.invalidCredential = OpenAiError.invalidCredential(realm);
        this.invalidServiceCredential = OpenAiError.invalidServiceCredential(realm, false);
        this.invalidBasicCredential = OpenAiError.invalidServiceCredential(realm, true);
    }

    /**
     * @param attribution the person a trusted web UI names for this call ({@code WebUiAttribution}),
     *                    or {@code null}; a front door that does not honour web-UI headers answers null
     * @param model       asked only once the caller is authenticated, so a stranger's body is never
     *                    read; it may fail with a {@link Refusal}
     */
    public Future<Verdict> admit(MultiMap headers, SocketAddress peer, RequestRecord record,
                                 Function<Identity, String> attribution, Supplier<Future<ModelClaim>> model) {
        Context context = Vertx.currentContext();
        return Futures.recover(Futures.compose(authenticate(headers, peer, record, attribution, context, true),
                        identity -> Futures.compose(model.get(), claim -> limit(identity, claim, record, context))),
                failure -> Future.succeededFuture(refuse(record, failure instanceof Refusal refusal
                        ? refusal.error() : unavailable())));
    }

    /**
     * Authentication only, spending nothing ({@code GET /v1/limits}): the verdict names the payers
     * whose limits {@link #report} then shows. Nobody is let through without a credential here (the
     * open API never had this endpoint); a legacy key is shown its limits.
     */
    public Future<Verdict> inspect(MultiMap headers, SocketAddress peer, RequestRecord record,
                                   Function<Identity, String> attribution) {
        Context context = Vertx.currentContext();
        return Futures.recover(Futures.<Identity, Verdict>map(authenticate(headers, peer, record, attribution, context, false),
                        identity -> new Verdict.Admitted(identity, BudgetHeaders.NONE, payers.of(identity, record.webUiUserEmail))),
                failure -> Future.succeededFuture(refuse(record, failure instanceof Refusal refusal
                        ? refusal.error() : unavailable())));
    }

    /** The limits report of an admitted caller's payers; {@code models} are those concurrency is shown for. */
    public Future<JsonObject> report(Verdict.Admitted admitted, List<String> models) {
        return limiter.report(admitted.payers(), models, Vertx.currentContext());
    }

    /** The answer when the credential cannot be checked now (also for the unexpected). */
    public OpenAiError unavailable() {
        return OpenAiError.authUnavailable(retryAfter);
    }

    /** @param mayPass whether migration settings (audit mode, legacy subnets) may let a call through without a credential */
    private Future<Identity> authenticate(MultiMap headers, SocketAddress peer, RequestRecord record,
                                          Function<Identity, String> attribution, Context context, boolean mayPass) {
        String client = clientAddress.resolve(peer == null ? null : peer.hostAddress(), () -> headers.getAll("x-forwarded-for"));
        Caller caller = new Caller(client, headers.get("user-agent"), record.target);
        // A shared legacy key is settled before any verifier sees it: it must never reach Keycloak.
        Optional<Migration.LegacyUse> legacy = migration.legacyKey(headers, caller);
        if (legacy.isPresent()) {
            record.authMethod = "legacy_key";
            record.migration = legacy.get().label();
            if (legacy.get() instanceof Migration.LegacyUse.Retired retired) {
                record.authOutcome = "legacy_key_retired";
                return Future.failedFuture(new Refusal(retired.error()));
            }
            return Future.succeededFuture(admitted(((Migration.LegacyUse.Accepted) legacy.get()).identity(),
                    "legacy_key", record, attribution));
        }
        return Futures.compose(authenticator.authenticate(headers, ClientAddress.network(client), context), result -> {
            if (result instanceof AuthResult.Authenticated authenticated) {
                return Future.succeededFuture(admitted(authenticated.identity(), "authenticated", record, attribution));
            }
            Optional<Migration.Pass> pass = mayPass ? migration.letThrough(result, caller) : Optional.empty();
            if (pass.isPresent()) { // nobody established: no identity in the record, no usage, no payers
                record.authOutcome = pass.get().outcome();
                record.migration = pass.get().detail();
                if (attribution != null) { // names nobody, and removes a client's Open WebUI headers
                    attribution.apply(pass.get().identity());
                }
                return Future.succeededFuture(pass.get().identity());
            }
            record.authOutcome = result instanceof AuthResult.Rejected ? "rejected"
                    : result instanceof AuthResult.Throttled ? "throttled" : "unavailable";
            return Future.failedFuture(new Refusal(authenticationError(result)));
        });
    }

    private static Identity admitted(Identity identity, String outcome, RequestRecord record,
                                     Function<Identity, String> attribution) {
        record.identity = identity;
        record.authOutcome = outcome;
        record.authMethod = identity.method();
        // Before any refusal: a refused call of a web UI's person counts (and is limited) as that person's.
        record.webUiUserEmail = attribution == null ? null : attribution.apply(identity);
        return identity;
    }

    private Future<Verdict> limit(Identity identity, ModelClaim claim, RequestRecord record, Context context) {
        if (!scope(identity, claim, record)) {
            return Future.succeededFuture(refuse(record, OpenAiError.modelNotAllowed(named(claim))));
        }
        List<Scope> payer = payers.of(identity, record.webUiUserEmail);
        String model = claim instanceof ModelClaim.Named named ? named.model() : null;
        if (claim instanceof ModelClaim.Named named) {
            Optional<OpenAiError> overCap = RequestCaps.check(payer, named.asked());
            if (overCap.isPresent()) {
                return Future.succeededFuture(refuse(record, overCap.get()));
            }
        }
        return Futures.map(limiter.admit(payer, model, identity.method(), context), decision -> {
            if (decision instanceof LimitDecision.Allowed allowed) {
                record.limitCharge = allowed.charge();
                return new Verdict.Admitted(identity, allowed.headers(), payer);
            }
            return refuse(record, ((LimitDecision.Refused) decision).error());
        });
    }

    private OpenAiError authenticationError(AuthResult result) {
        if (result instanceof AuthResult.Rejected rejected) {
            return switch (rejected.reason()) {
                case AuthResult.MISSING -> missingCredential;
                case AuthResult.AMBIGUOUS -> ambiguousCredential;
                case AuthResult.SERVICE_CREDENTIAL_REFUSED, AuthResult.SERVICE_CREDENTIAL_MALFORMED -> invalidServiceCredential;
                case AuthResult.SERVICE_CREDENTIAL_REFUSED_BASIC -> invalidBasicCredential;
                default -> invalidCredential;
            };
        }
        if (result instanceof AuthResult.Throttled throttled) {
            return OpenAiError.tooManyFailedAuthentications(throttled.retryAfter());
        }
        return unavailable();
    }

    private boolean scope(Identity identity, ModelClaim claim, RequestRecord record) {
        boolean allowed;
        if (claim instanceof ModelClaim.Named named) {
            record.model = named.model();
            allowed = identity.mayUseModel(named.model());
        } else {
            allowed = claim instanceof ModelClaim.NotNeeded || !identity.restrictsModels();
        }
        if (!allowed) {
            metrics.auth(identity.method(), identity.channel().label(), "forbidden");
        }
        return allowed;
    }

    private static String named(ModelClaim claim) {
        return claim instanceof ModelClaim.Named named ? named.model()
                : "(" + ((ModelClaim.Unseen) claim).why() + ")";
    }

    private static Verdict refuse(RequestRecord record, OpenAiError error) {
        record.errorCode = error.code();
        return new Verdict.Refused(error);
    }
}
