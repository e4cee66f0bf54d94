package org.inferenceauth.gateway.forwardauth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.inferenceauth.gateway.accesslog.RequestLogging;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.admission.Admission;
import org.inferenceauth.gateway.admission.ModelClaim;
import org.inferenceauth.gateway.admission.Verdict;
import org.inferenceauth.gateway.auth.IdentityHeaders;
import org.inferenceauth.gateway.config.ForwardAuthProxy;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.routing.PathPolicy;

/**
 * The forward-auth front door, {@code /auth}, for a proxy in front that does the forwarding itself
 * (nginx {@code auth_request}, Traefik ForwardAuth, Envoy ext_authz over HTTP; which one is
 * configuration, see {@link OriginalRequest}). It approves exact allow-listed paths with their
 * method, runs the shared {@link Admission} and answers 200 with the identity headers, or the
 * refusal in OpenAI's shape: 401 with a Bearer challenge, 403 for a path off the list or a key
 * limited to models (the body, so the model, is never seen here), 429, 503. Limits: request windows
 * and budgets are spent here, token windows and budgets checked but never charged (no usage is seen)
 * and concurrency not limited (the request's end is not seen either). Traefik and Envoy
 * return a refusal to the client as it is; nginx passes 401 and 403 and turns the rest into 500.
 */
public final class ForwardAuthHandler implements Handler<HttpServerRequest> {

    private final ForwardAuthProxy proxy;
    private final PathPolicy policy;
    private final Admission admission;
    private final RequestLogging logging;

    public ForwardAuthHandler(ForwardAuthProxy proxy, PathPolicy policy, Admission admission, RequestLogging logging) {
        this.proxy = proxy;
        this.policy = policy;
        this.admission = admission;
        this.logging = logging;
    }

    public static boolean matches(String path) {
        return path.equals(OriginalRequest.CHECK_PATH) || path.startsWith(OriginalRequest.CHECK_PATH + "/");
    }

    @Override
    public void handle(HttpServerRequest request) {
        RequestRecord record = new RequestRecord(request.method().name(), request.path());
        record.route = "forward_auth";
        Optional<OriginalRequest> original = OriginalRequest.read(proxy, request);
        Optional<PathPolicy.Route> route = original.flatMap(o -> policy.forwardAuth(o.method(), o.uri()));
        if (route.isEmpty()) { // never guess: no, repeated or conflicting original request, or off the list
            send(request, record, OpenAiError.pathNotAllowed(original.map(OriginalRequest::uri)
                    .orElse("(no single original request from " + proxy.name().toLowerCase(Locale.ROOT) + ")")));
            return;
        }
        String uri = original.get().uri();
        record.target = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        ModelClaim model = route.get() == PathPolicy.Route.INFERENCE
                ? new ModelClaim.Unseen("not checkable in forward-auth mode") : ModelClaim.NOT_NEEDED;
        // Open WebUI's headers are neither honoured nor removed here: the proxy in front forwards the request.
        admission.admit(request.headers(), request.remoteAddress(), record, null, () -> Future.succeededFuture(model))
                .onComplete(done -> {
                    Verdict verdict = done.succeeded() ? done.result() : new Verdict.Refused(admission.unavailable());
                    if (verdict instanceof Verdict.Admitted admitted) {
                        approve(request, record, admitted);
                    } else {
                        send(request, record, ((Verdict.Refused) verdict).error());
                    }
                });
    }

    private void approve(HttpServerRequest request, RequestRecord record, Verdict.Admitted admitted) {
        HttpServerResponse response = request.response().setStatusCode(200);
        admitted.headers().forEachHeader(response::putHeader);
        // The upstream's request id (vLLM's own) is the gateway's, never the client's: Envoy copies
        // it over the client's through allowed_upstream_headers (nginx sets its own, Traefik strips it).
        response.putHeader("x-request-id", record.requestId);
        Set<String> written = new LinkedHashSet<>();
        IdentityHeaders.write(admitted.identity(), (name, value) -> {
            response.putHeader(name, value);
            written.add(name.toLowerCase(Locale.ROOT));
        });
        if (proxy == ForwardAuthProxy.ENVOY) {
            // Envoy overwrites the headers we set (allowed_upstream_headers) and removes the ones we name.
            Set<String> remove = new LinkedHashSet<>(IdentityHeaders.STRIPPED);
            request.headers().names().stream().map(n -> n.toLowerCase(Locale.ROOT))
                    .filter(n -> IdentityHeaders.isOwnNamespace(n) && !written.contains(n)).forEach(remove::add);
            response.putHeader("x-envoy-auth-headers-to-remove", String.join(", ", remove));
        }
        response.end();
        logging.finish(record, 200, false);
    }

    private void send(HttpServerRequest request, RequestRecord record, OpenAiError error) {
        record.errorCode = error.code();
        HttpServerResponse response = request.response().setStatusCode(error.status())
                .putHeader("content-type", "application/json").putHeader("x-request-id", record.requestId);
        error.headers().forEach(response::putHeader);
        response.end(error.body());
        logging.finish(record, error.status(), false);
    }
}
