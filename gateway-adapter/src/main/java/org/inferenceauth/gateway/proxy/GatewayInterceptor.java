package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Duration;
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
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.net.ClientAddress;
import org.inferenceauth.gateway.routing.ModelCatalog;
import org.inferenceauth.gateway.routing.PathPolicy;
import org.inferenceauth.gateway.routing.Upstream;
import org.inferenceauth.gateway.routing.UpstreamAuth;
import org.inferenceauth.gateway.usage.WebUiAttribution;

/**
 * The proxy front door: the gateway's one proxy interceptor. It routes by the allow-list, runs the
 * shared {@link Admission} (giving it the body's model once the caller is admitted so far), and
 * sends the request upstream with the client's credential replaced by identity headers. Every
 * refusal is an OpenAI-shaped answer of the gateway's own ({@link ProxyReplies}). Response bodies
 * are never transformed, so SSE chunks pass through as they arrive.
 */
public final class GatewayInterceptor implements ProxyInterceptor {

    static final String UPSTREAM = "gateway.upstream";
    private static final String RECORD = "gateway.record";
    private static final String SENT_AT = "gateway.sentAt";
    private static final String USAGE_ASKING_BODY = "gateway.usageAskingBody";
    private static final String USAGE_ADDED = "gateway.usageAdded";
    /**
     * Where a streaming client that did not ask for the usage chunk gets it asked for on its behalf
     * (vLLM's {@code stream_options}), so that its tokens are counted.
     */
    private static final Set<String> STREAM_USAGE_PATHS = Set.of("/v1/chat/completions", "/v1/completions");

    private final PathPolicy policy;
    private final Admission admission;
    private final ModelCatalog catalog;
    private final UpstreamSettings upstreams;
    private final GatewayMetrics metrics;
    private final RequestLogging logging;
    private final WebUiAttribution webUi;
    private final long maxBodyBytes;

    /** What the interceptor needs to know about upstream calls. */
    public record UpstreamSettings(Optional<String> apiKey, ClientAddress clientAddress, UpstreamAuth auth) {}

    public GatewayInterceptor(PathPolicy policy, Admission admission, ModelCatalog catalog, UpstreamSettings upstreams,
                              GatewayMetrics metrics, RequestLogging logging, WebUiAttribution webUi, long maxBodyBytes) {
        this.policy = policy;
        this.admission = admission;
        this.catalog = catalog;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.logging = logging;
        this.webUi = webUi;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest server = ctx.request().proxiedRequest();
        RequestRecord record = new RequestRecord(server.method().name(), server.path());
        ctx.set(RECORD, record);
        logging.observe(server.response(), record);
        server.response().putHeader("x-request-id", record.requestId);

        PathPolicy.Route route = policy.route(server.method(), server.path());
        if (route == PathPolicy.Route.MALFORMED) {
            return reply(ctx, OpenAiError.invalidPath());
        }
        if (route == PathPolicy.Route.BLOCKED) {
            return reply(ctx, OpenAiError.unknownUrl(server.method().name(), server.path()));
        }
        // Open WebUI's headers are believed from the configured web UI only, and removed from anyone else's request.
        Function<Identity, String> attribution = identity -> webUi.personNamedBy(identity, ctx.request().headers());
        Future<Verdict> verdict = route == PathPolicy.Route.LIMITS
                ? admission.inspect(ctx.request().headers(), server.remoteAddress(), record, attribution)
                : admission.admit(ctx.request().headers(), server.remoteAddress(), record, attribution,
                        () -> modelClaim(ctx, route));
        return verdict.compose(decided -> decided instanceof Verdict.Admitted admitted
                ? admitted(ctx, route, admitted)
                : reply(ctx, ((Verdict.Refused) decided).error()));
    }

    /** Reads the body's model (inference calls only); the body then goes upstream from this buffer. */
    private Future<ModelClaim> modelClaim(ProxyContext ctx, PathPolicy.Route route) {
        if (route != PathPolicy.Route.INFERENCE) {
            return Future.succeededFuture(ModelClaim.NOT_NEEDED);
        }
        ProxyRequest request = ctx.request();
        if (!isJson(request.headers().get("content-type"))) {
            // Multipart uploads (audio) stream through unread; a model-scoped key cannot be checked there.
            return Future.succeededFuture(new ModelClaim.Unseen("not a JSON request"));
        }
        if (request.getBody().length() > maxBodyBytes) {
            return Future.failedFuture(new Refusal(OpenAiError.bodyTooLarge(maxBodyBytes)));
        }
        return BoundedBody.read(request.getBody().stream(), maxBodyBytes)
                .recover(failure -> Future.failedFuture(new Refusal(failure instanceof BoundedBody.TooLargeException
                        ? OpenAiError.bodyTooLarge(maxBodyBytes) : OpenAiError.invalidJson())))
                .map(body -> {
                    // The client stream is consumed now: from here on the body is this buffer
                    // (releasing an ended server request would throw).
                    request.setBody(Body.body(body));
                    byte[] bytes = ModelField.utf8(body);
                    ModelField.Facts facts = ModelField.inspect(bytes);
                    if (STREAM_USAGE_PATHS.contains(request.proxiedRequest().path())) {
                        Buffer asking = StreamUsageRequest.askForUsage(bytes, facts);
                        if (asking != null) {
                            ctx.set(USAGE_ASKING_BODY, asking);
                        }
                    }
                    return new ModelClaim.Named(facts.model(), facts.asked());
                });
    }

    private Future<ProxyResponse> admitted(ProxyContext ctx, PathPolicy.Route route, Verdict.Admitted admitted) {
        // Every answer to an admitted request tells the caller its remaining budget.
        admitted.headers().forEach(ctx.request().proxiedRequest().response()::putHeader);
        return switch (route) {
            case LIST_MODELS -> listModels(ctx, admitted.identity());
            case GET_MODEL -> getModel(ctx, admitted.identity());
            case LIMITS -> limits(ctx, admitted);
            default -> forward(ctx, admitted.identity());
        };
    }

    private Future<ProxyResponse> listModels(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        JsonObject list = new JsonObject().put("object", "list").put("data", new JsonArray(catalog.modelsFor(identity)));
        return ProxyReplies.json(ctx, 200, list);
    }

    /** {@code GET /v1/limits}: the caller's limits and what is left, concurrency shown for the models it may use. */
    private Future<ProxyResponse> limits(ProxyContext ctx, Verdict.Admitted admitted) {
        ctx.get(RECORD, RequestRecord.class).route = "limits";
        List<String> models = catalog.modelsFor(admitted.identity()).stream()
                .map(model -> model.getString("id")).filter(java.util.Objects::nonNull).toList();
        return admission.report(admitted, models).compose(report -> ProxyReplies.json(ctx, 200, report));
    }

    private Future<ProxyResponse> getModel(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        String id = PathPolicy.modelId(ctx.request().proxiedRequest().path());
        return catalog.model(identity, id)
                .map(model -> ProxyReplies.json(ctx, 200, model))
                .orElseGet(() -> reply(ctx, OpenAiError.modelNotFound(id)));
    }

    private Future<ProxyResponse> forward(ProxyContext ctx, Identity identity) {
        RequestRecord record = ctx.get(RECORD, RequestRecord.class);
        String model = record.model;
        Optional<Upstream> target = catalog.upstreamFor(model);
        if (target.isEmpty()) {
            return reply(ctx, model == null ? OpenAiError.noUpstream() : OpenAiError.modelNotFound(model));
        }
        Upstream upstream = target.get();
        record.route = "proxy";
        record.upstream = upstream.label();

        HttpServerRequest server = ctx.request().proxiedRequest();
        UpstreamHeaders.apply(ctx.request(), identity, record.requestId, upstreams);
        // From the parsed path and query, never the raw target: an absolute-form target
        // (http://host/v1/…) must reach the upstream in origin-form.
        ctx.request().setURI(upstream.uriFor(server.path(), server.query()));

        Buffer askingForUsage = ctx.get(USAGE_ASKING_BODY, Buffer.class);
        if (askingForUsage != null) { // the client's stream gets the usage chunk removed again (SseUsageTap)
            ctx.request().setBody(Body.body(askingForUsage));
            ctx.set(USAGE_ADDED, Boolean.TRUE);
        }
        ctx.set(UPSTREAM, upstream);
        ctx.set(SENT_AT, System.nanoTime());
        return ctx.sendRequest().recover(failure -> reply(ctx, UpstreamFailures.toError(failure)));
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext ctx) {
        ProxyResponse response = ctx.response();
        Upstream upstream = ctx.get(UPSTREAM, Upstream.class);
        Long sentAt = ctx.get(SENT_AT, Long.class);
        if (response.proxiedResponse() != null && upstream != null && sentAt != null) {
            metrics.upstream(upstream.label(), response.getStatusCode(), Duration.ofNanos(System.nanoTime() - sentAt));
            if (upstreams.auth().refused(upstream, response.getStatusCode())) {
                return refusedUpstreamKey(ctx, response);
            }
            response.headers().remove("x-request-id"); // the client already has the gateway's own
            String type = response.headers().get("content-type");
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                // Tell nginx (and friends) in front not to buffer the stream.
                response.putHeader("x-accel-buffering", "no");
                response.putHeader("cache-control", "no-cache");
                Body body = response.getBody();
                boolean usageAdded = Boolean.TRUE.equals(ctx.get(USAGE_ADDED, Boolean.class));
                response.setBody(Body.body(new TappedStream(new SseFailureGuard(body.stream()),
                                new SseUsageTap(usageAdded, tokensOf(ctx))),
                        usageAdded ? -1 : body.length(), body.mediaType()));
            } else if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json") && response.getStatusCode() == 200) {
                Body body = response.getBody();
                response.setBody(Body.body(new TappedStream(body.stream(), new JsonUsageTap(tokensOf(ctx))),
                        body.length(), body.mediaType()));
            }
        }
        return ctx.sendResponse();
    }

    private static TokenSink tokensOf(ProxyContext ctx) {
        RequestRecord record = ctx.get(RECORD, RequestRecord.class);
        return (prompt, completion) -> {
            record.promptTokens = prompt;
            record.completionTokens = completion;
        };
    }

    /**
     * The upstream's 401 is about the gateway's key (the client's was never sent): passed on, an
     * SDK would tell its user that their own key is wrong. Its body is dropped for the gateway's own.
     */
    private Future<Void> refusedUpstreamKey(ProxyContext ctx, ProxyResponse response) {
        OpenAiError error = OpenAiError.upstreamAuthFailed();
        ctx.get(RECORD, RequestRecord.class).errorCode = error.code();
        response.release().setStatusCode(error.status())
                .setBody(Body.body(Buffer.buffer(error.body()), MediaType.APPLICATION_JSON));
        error.headers().forEach(response::putHeader);
        return ctx.sendResponse();
    }

    private Future<ProxyResponse> reply(ProxyContext ctx, OpenAiError error) {
        ctx.get(RECORD, RequestRecord.class).errorCode = error.code();
        return ProxyReplies.error(ctx, error);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return true; // no type, or curl -d's default form type below: it must parse as JSON anyway
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json") || type.startsWith("application/x-www-form-urlencoded");
    }
}
