package org.inferenceauth.gateway.admission;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.RateLimitGate;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.net.ClientAddress;

/**
 * The one admission step every front door (the proxy, forward-auth) runs: who is calling (and from
 * where), is the caller within its limits, may it use the model, and which OpenAI-style answer a
 * refusal gets. A front door only turns its request into this input and the {@link Verdict} into
 * its kind of response, so a rule changed here holds for every way in.
 */
public final class Admission {

    private final Authenticator authenticator;
    private final RateLimitGate rateLimit;
    private final ClientAddress clientAddress;
    private final GatewayMetrics metrics;
    private final Duration retryAfter;
    private final OpenAiError missingCredential;
    private final OpenAiError ambiguousCredential;
    private final OpenAiError invalidCredential;

    /** @param realm the Keycloak realm's name, named in every {@code WWW-Authenticate} challenge */
    public Admission(Authenticator authenticator, RateLimitGate rateLimit, ClientAddress clientAddress,
                     GatewayMetrics metrics, Duration retryAfter, String realm) {
        this.authenticator = authenticator;
        this.rateLimit = rateLimit;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.retryAfter = retryAfter;
        this.missingCredential = OpenAiError.missingCredential(realm);
        this.ambiguousCredential = OpenAiError.ambiguousCredential(realm);
        this.invalidCredential = OpenAiError.invalidCredential(realm);
    }

    /**
     * @param model asked only once the caller is authenticated and within its limits, so a stranger's
     *              body is never read; it may fail with a {@link Refusal}
     */
    public Future<Verdict> admit(MultiMap headers, SocketAddress peer, RequestRecord record,
                                 Supplier<Future<ModelClaim>> model) {
        Context context = Vertx.currentContext();
        String source = ClientAddress.network(clientAddress.resolve(
                peer == null ? null : peer.hostAddress(), () -> headers.getAll("x-forwarded-for")));
        return authenticator.authenticate(headers, source, context)
                .compose(result -> afterAuthentication(result, record, model, context))
                .recover(failure -> Future.succeededFuture(refuse(record, failure instanceof Refusal refusal
                        ? refusal.error() : unavailable())));
    }

    /** The answer when the credential cannot be checked now (also for the unexpected). */
    public OpenAiError unavailable() {
        return OpenAiError.authUnavailable(retryAfter);
    }

    private Future<Verdict> afterAuthentication(AuthResult result, RequestRecord record,
                                                Supplier<Future<ModelClaim>> model, Context context) {
        if (!(result instanceof AuthResult.Authenticated authenticated)) {
            record.authOutcome = result instanceof AuthResult.Rejected ? "rejected"
                    : result instanceof AuthResult.Throttled ? "throttled" : "unavailable";
            return Future.succeededFuture(refuse(record, authenticationError(result)));
        }
        Identity identity = authenticated.identity();
        record.identity = identity;
        record.authOutcome = "authenticated";
        record.authMethod = identity.method();
        return rateLimit.admit(identity, context).compose(decision -> {
            if (!decision.allowed()) {
                return Future.succeededFuture(refuse(record, decision.refusal()));
            }
            return model.get().map(claim -> scope(identity, claim, record)
                    ? new Verdict.Admitted(identity, decision.headers())
                    : refuse(record, OpenAiError.modelNotAllowed(named(claim))));
        });
    }

    private OpenAiError authenticationError(AuthResult result) {
        if (result instanceof AuthResult.Rejected rejected) {
            return switch (rejected.reason()) {
                case AuthResult.MISSING -> missingCredential;
                case AuthResult.AMBIGUOUS -> ambiguousCredential;
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
            allowed = claim instanceof ModelClaim.NotNeeded || identity.allowedModels().isEmpty();
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
