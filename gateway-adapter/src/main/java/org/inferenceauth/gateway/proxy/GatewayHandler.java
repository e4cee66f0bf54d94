package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.inferenceauth.gateway.accesslog.RequestLogging;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.admission.Admission;
import org.inferenceauth.gateway.admission.ModelClaim;
import org.inferenceauth.gateway.admission.Refusal;
import org.inferenceauth.gateway.admission.Verdict;
import org.inferenceauth.gateway.async.Futures;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.routing.ModelCatalog;
import org.inferenceauth.gateway.routing.PathPolicy;
import org.inferenceauth.gateway.routing.Upstream;
import org.inferenceauth.gateway.usage.WebUiAttribution;

/**
 * The proxy front door: every request on the API port (but forward-auth's) comes here. It routes by
 * the allow-list, runs the shared {@link Admission} (giving it the body's model once the caller is
 * admitted so far), answers the model list and limits itself, and hands everything else to the
 * {@link Relay}. Every refusal is an OpenAI-shaped answer of the gateway's own ({@link LocalReplies}).
 *
 * <p>The request body stays paused until admission wants it: a stranger's body is never read.
 */
public final class GatewayHandler implements Handler<HttpServerRequest> {

    /**
     * Where a streaming client that did not ask for the usage chunk gets it asked for on its behalf
     * (vLLM's {@code stream_options}), so that its tokens are counted.
     */
    private static final Set<String> STREAM_USAGE_PATHS = Set.of("/v1/chat/completions", "/v1/completions");

    private final PathPolicy policy;
    private final Admission admission;
    private final ModelCatalog catalog;
    private final Relay relay;
    private final RequestLogging logging;
    private final WebUiAttribution webUi;
    private final long maxBodyBytes;

    public GatewayHandler(PathPolicy policy, Admission admission, ModelCatalog catalog, Relay relay,
                          RequestLogging logging, WebUiAttribution webUi, long maxBodyBytes) {
        this.policy = policy;
        this.admission = admission;
        this.catalog = catalog;
        this.relay = relay;
        this.logging = logging;
        this.webUi = webUi;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpServerRequest request) {
        request.pause();
        Exchange exchange = new Exchange(request, new RequestRecord(request.method().name(), request.path()));
        logging.observe(request.response(), exchange.record);
        request.response().putHeader(HeaderNames.X_REQUEST_ID, exchange.record.requestId);

        if (!RequestFraming.valid(request.headers())) {
            LocalReplies.error(exchange, OpenAiError.unsupportedTransferEncoding());
            return;
        }
        PathPolicy.Route route = policy.route(request.method(), request.path());
        if (route == PathPolicy.Route.MALFORMED) {
            LocalReplies.error(exchange, OpenAiError.invalidPath());
            return;
        }
        if (route == PathPolicy.Route.BLOCKED) {
            LocalReplies.error(exchange, OpenAiError.unknownUrl(request.method().name(), request.path()));
            return;
        }
        // Open WebUI's headers are believed from the configured web UI only, and removed from anyone else's request.
        Function<Identity, String> attribution = identity -> webUi.personNamedBy(identity, request.headers());
        Future<Verdict> verdict = route == PathPolicy.Route.LIMITS
                ? admission.inspect(request.headers(), request.remoteAddress(), exchange.record, attribution)
                : admission.admit(request.headers(), request.remoteAddress(), exchange.record, attribution,
                        () -> modelClaim(exchange, route));
        Futures.onComplete(verdict, decided -> {
            if (decided.failed()) { // Admission answers every refusal itself: this is the unexpected
                LocalReplies.error(exchange, admission.unavailable());
            } else if (decided.result() instanceof Verdict.Admitted admitted) {
                admitted(exchange, route, admitted);
            } else {
                LocalReplies.error(exchange, ((Verdict.Refused) decided.result()).error());
            }
        });
    }

    /** Reads the body's model (inference calls only); the body then goes upstream from this buffer. */
    private Future<ModelClaim> modelClaim(Exchange exchange, PathPolicy.Route route) {
        if (route != PathPolicy.Route.INFERENCE) {
            return Future.succeededFuture(ModelClaim.NOT_NEEDED);
        }
        HttpServerRequest request = exchange.request;
        if (!isJson(request.getHeader("content-type"))) {
            // Multipart uploads (audio) stream through unread; a model-scoped key cannot be checked there.
            return Future.succeededFuture(new ModelClaim.Unseen("not a JSON request"));
        }
        if (declaredLength(request) > maxBodyBytes) {
            return Future.failedFuture(new Refusal(OpenAiError.bodyTooLarge(maxBodyBytes)));
        }
        Future<Buffer> read = Futures.recover(BoundedBody.read(request, maxBodyBytes),
                failure -> Future.failedFuture(new Refusal(failure instanceof BoundedBody.TooLargeException
                        ? OpenAiError.bodyTooLarge(maxBodyBytes) : OpenAiError.invalidJson())));
        return Futures.map(read, body -> {
            exchange.body = body; // the client stream is consumed: from here on the body is this buffer
            byte[] bytes = ModelField.utf8(body);
            ModelField.Facts facts = ModelField.inspect(bytes);
            if (STREAM_USAGE_PATHS.contains(request.path())) {
                Buffer asking = StreamUsageRequest.askForUsage(bytes, facts);
                if (asking != null) { // the client's stream gets the usage chunk removed again (SseUsageTap)
                    exchange.body = asking;
                    exchange.usageAdded = true;
                }
            }
            return new ModelClaim.Named(facts.model(), facts.asked());
        });
    }

    private void admitted(Exchange exchange, PathPolicy.Route route, Verdict.Admitted admitted) {
        // Every answer to an admitted request tells the caller its remaining budget.
        HttpServerResponse response = exchange.request.response();
        // Added, not set: the answer has no header yet, so there is nothing to replace (and look for).
        admitted.headers().forEachHeader(response.headers()::add);
        switch (route) {
            case LIST_MODELS -> listModels(exchange, admitted.identity());
            case GET_MODEL -> getModel(exchange, admitted.identity());
            case LIMITS -> limits(exchange, admitted);
            default -> forward(exchange, admitted.identity());
        }
    }

    private void listModels(Exchange exchange, Identity identity) {
        exchange.record.route = "models";
        LocalReplies.json(exchange, 200,
                new JsonObject().put("object", "list").put("data", new JsonArray(catalog.modelsFor(identity))));
    }

    /** {@code GET /v1/limits}: the caller's limits and what is left, concurrency shown for the models it may use. */
    private void limits(Exchange exchange, Verdict.Admitted admitted) {
        exchange.record.route = "limits";
        List<String> models = catalog.modelsFor(admitted.identity()).stream()
                .map(model -> model.getString("id")).filter(java.util.Objects::nonNull).toList();
        admission.report(admitted, models).onComplete(report -> {
            if (report.succeeded()) {
                LocalReplies.json(exchange, 200, report.result());
            } else {
                LocalReplies.error(exchange, admission.unavailable());
            }
        });
    }

    private void getModel(Exchange exchange, Identity identity) {
        exchange.record.route = "models";
        String id = PathPolicy.modelId(exchange.request.path());
        catalog.model(identity, id).ifPresentOrElse(model -> LocalReplies.json(exchange, 200, model),
                () -> LocalReplies.error(exchange, OpenAiError.modelNotFound(id)));
    }

    private void forward(Exchange exchange, Identity identity) {
        String model = exchange.record.model;
        Optional<Upstream> target = catalog.upstreamFor(model);
        if (target.isEmpty()) {
            LocalReplies.error(exchange, model == null ? OpenAiError.noUpstream() : OpenAiError.modelNotFound(model));
            return;
        }
        exchange.record.route = "proxy";
        exchange.record.upstream = target.get().label();
        relay.send(exchange, target.get(), identity);
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("content-length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // Netty refuses a malformed Content-Length before it gets here
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return true; // no type, or curl -d's default form type below: it must parse as JSON anyway
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json") || type.startsWith("application/x-www-form-urlencoded");
    }
}
