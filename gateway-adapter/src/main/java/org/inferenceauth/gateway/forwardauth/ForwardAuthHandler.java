package org.inferenceauth.gateway.forwardauth;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.accesslog.RequestLogging;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.IdentityHeaders;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.RateLimitGate;
import org.inferenceauth.gateway.routing.PathPolicy;

/**
 * {@code /auth} for a proxy in front that does the forwarding itself: nginx {@code auth_request}
 * (original URI in {@code X-Original-URI}), Traefik ForwardAuth ({@code X-Forwarded-Uri}) and
 * Envoy ext_authz over HTTP (the original path appended: {@code /auth/v1/chat/completions}).
 * 200 with identity headers, 401 with a Bearer challenge, 403 for a path off the allow-list (or
 * none given) and for a key limited to certain models (the body, so the model, is never seen),
 * 429 when the caller's rate limit is reached (Traefik and Envoy pass it on as it is; nginx turns
 * any status but 2xx, 401 and 403 into 500), 503 when the credential cannot be checked. The request body is never seen here, so model
 * scopes cannot be checked: such keys are refused.
 */
public final class ForwardAuthHandler implements Handler<HttpServerRequest> {

    public static final String PATH = "/auth";

    private final Authenticator authenticator;
    private final RateLimitGate rateLimit;
    private final PathPolicy policy;
    private final RequestLogging logging;
    private final Duration retryAfter;

    public ForwardAuthHandler(Authenticator authenticator, RateLimitGate rateLimit, PathPolicy policy,
                              RequestLogging logging, Duration retryAfter) {
        this.authenticator = authenticator;
        this.rateLimit = rateLimit;
        this.policy = policy;
        this.logging = logging;
        this.retryAfter = retryAfter;
    }

    public static boolean matches(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    @Override
    public void handle(HttpServerRequest request) {
        RequestRecord record = new RequestRecord(request.method().name(), request.path());
        record.route = "forward_auth";
        String original = originalPath(request);
        if (original == null) { // a proxy configured without the original URI: refuse, never guess
            send(request, record, OpenAiError.pathNotAllowed("(no X-Original-URI, X-Forwarded-Uri or /auth/<path>)"));
            return;
        }
        if (!policy.allowsPath(original)) {
            send(request, record, OpenAiError.pathNotAllowed(original));
            return;
        }
        authenticator.authenticate(request.headers(), Vertx.currentContext()).onComplete(done -> {
            AuthResult result = done.succeeded() ? done.result() : new AuthResult.Unavailable("internal error");
            if (result instanceof AuthResult.Authenticated authenticated) {
                Identity identity = authenticated.identity();
                record.identity = identity;
                record.authMethod = identity.method();
                record.authOutcome = "authenticated";
                if (!identity.allowedModels().isEmpty()) {
                    // The body, and so the model, is never seen here: a model-scoped key fails closed.
                    send(request, record, OpenAiError.modelNotAllowed("(not checkable in forward-auth mode)"));
                    return;
                }
                admit(request, record, identity);
            } else if (result instanceof AuthResult.Rejected rejected) {
                record.authOutcome = "rejected";
                send(request, record, AuthResult.MISSING.equals(rejected.reason())
                        ? OpenAiError.missingCredential() : OpenAiError.invalidCredential());
            } else {
                record.authOutcome = "unavailable";
                send(request, record, OpenAiError.authUnavailable(retryAfter));
            }
        });
    }

    private void admit(HttpServerRequest request, RequestRecord record, Identity identity) {
        rateLimit.admit(identity, Vertx.currentContext()).onComplete(done -> {
            if (done.failed()) {
                send(request, record, OpenAiError.authUnavailable(retryAfter));
            } else if (!done.result().allowed()) {
                send(request, record, done.result().refusal());
            } else {
                HttpServerResponse response = request.response().setStatusCode(200);
                done.result().headers().forEach(response::putHeader);
                IdentityHeaders.write(identity, response::putHeader);
                end(request, record, 200);
            }
        });
    }

    private static String originalPath(HttpServerRequest request) {
        String uri = request.getHeader("x-original-uri");
        if (uri == null) {
            uri = request.getHeader("x-forwarded-uri");
        }
        if (uri == null && request.path().length() > PATH.length()) {
            uri = request.path().substring(PATH.length());
        }
        if (uri == null) {
            return null;
        }
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }

    private void send(HttpServerRequest request, RequestRecord record, OpenAiError error) {
        record.errorCode = error.code();
        HttpServerResponse response = request.response().setStatusCode(error.status())
                .putHeader("content-type", "application/json");
        error.headers().forEach(response::putHeader);
        response.end(error.body());
        finish(record, error.status());
    }

    private void end(HttpServerRequest request, RequestRecord record, int status) {
        request.response().end();
        finish(record, status);
    }

    private void finish(RequestRecord record, int status) {
        logging.finish(record, status, false);
    }
}
