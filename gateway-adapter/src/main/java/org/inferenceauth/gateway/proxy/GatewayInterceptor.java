package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.RateLimitGate;
import org.inferenceauth.gateway.ops.GatewayMetrics;
import org.inferenceauth.gateway.ops.RequestLogging;
import org.inferenceauth.gateway.ops.RequestRecord;
import org.inferenceauth.gateway.routing.ModelCatalog;
import org.inferenceauth.gateway.routing.PathPolicy;
import org.inferenceauth.gateway.routing.Upstream;

/**
 * The gateway's one proxy interceptor: allow-list, authentication, model routing and scope,
 * then the request goes upstream with the client's credential replaced by identity headers.
 * Every refusal is an OpenAI-shaped answer of the gateway's own ({@link ProxyReplies}). Response bodies are
 * never transformed, so SSE chunks pass through as they arrive.
 */
public final class GatewayInterceptor implements ProxyInterceptor {

    static final String UPSTREAM = "gateway.upstream";
    private static final String RECORD = "gateway.record";
    private static final String SENT_AT = "gateway.sentAt";
    private static final String MODEL_PREFIX = PathPolicy.MODELS + "/";

    private final PathPolicy policy;
    private final Authenticator authenticator;
    private final RateLimitGate rateLimit;
    private final ModelCatalog catalog;
    private final UpstreamSettings upstreams;
    private final GatewayMetrics metrics;
    private final RequestLogging logging;
    private final long maxBodyBytes;
    private final Duration retryAfter;

    /** What the interceptor needs to know about upstream calls. */
    public record UpstreamSettings(Optional<String> apiKey) {}

    public GatewayInterceptor(PathPolicy policy, Authenticator authenticator, RateLimitGate rateLimit,
                              ModelCatalog catalog, UpstreamSettings upstreams, GatewayMetrics metrics,
                              RequestLogging logging, long maxBodyBytes, Duration retryAfter) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.rateLimit = rateLimit;
        this.catalog = catalog;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.logging = logging;
        this.maxBodyBytes = maxBodyBytes;
        this.retryAfter = retryAfter;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest server = ctx.request().proxiedRequest();
        RequestRecord record = new RequestRecord(server.method().name(), server.path());
        ctx.set(RECORD, record);
        logging.observe(server.response(), record);

        PathPolicy.Route route = policy.route(server.method(), server.path());
        if (route == PathPolicy.Route.BLOCKED) {
            return reply(ctx, OpenAiError.unknownUrl(server.method().name(), server.path()));
        }
        return authenticator.authenticate(ctx.request().headers(), Vertx.currentContext())
                .compose(result -> afterAuthentication(ctx, route, result))
                .recover(unexpected -> reply(ctx, OpenAiError.authUnavailable(retryAfter)));
    }

    private Future<ProxyResponse> afterAuthentication(ProxyContext ctx, PathPolicy.Route route, AuthResult result) {
        RequestRecord record = ctx.get(RECORD, RequestRecord.class);
        if (result instanceof AuthResult.Rejected rejected) {
            record.authOutcome = "rejected";
            return reply(ctx, AuthResult.MISSING.equals(rejected.reason())
                    ? OpenAiError.missingCredential() : OpenAiError.invalidCredential());
        }
        if (result instanceof AuthResult.Unavailable) {
            record.authOutcome = "unavailable";
            return reply(ctx, OpenAiError.authUnavailable(retryAfter));
        }
        Identity identity = ((AuthResult.Authenticated) result).identity();
        record.identity = identity;
        record.authOutcome = "authenticated";
        record.authMethod = identity.method();
        return rateLimit.admit(identity, Vertx.currentContext()).compose(decision -> {
            if (!decision.allowed()) {
                return reply(ctx, OpenAiError.rateLimited(decision));
            }
            // Every answer to an admitted request tells the caller its remaining budget.
            decision.headers().forEach(ctx.request().proxiedRequest().response()::putHeader);
            return switch (route) {
                case LIST_MODELS -> listModels(ctx, identity);
                case GET_MODEL -> getModel(ctx, identity);
                default -> proxyInference(ctx, identity);
            };
        });
    }

    private Future<ProxyResponse> listModels(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        JsonObject list = new JsonObject().put("object", "list").put("data", new JsonArray(catalog.modelsFor(identity)));
        return ProxyReplies.json(ctx, 200, list);
    }

    private Future<ProxyResponse> getModel(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        String id = URLDecoder.decode(ctx.request().proxiedRequest().path().substring(MODEL_PREFIX.length()),
                StandardCharsets.UTF_8);
        return catalog.model(identity, id)
                .map(model -> ProxyReplies.json(ctx, 200, model))
                .orElseGet(() -> reply(ctx, OpenAiError.modelNotFound(id)));
    }

    private Future<ProxyResponse> proxyInference(ProxyContext ctx, Identity identity) {
        ProxyRequest request = ctx.request();
        if (!isJson(request.headers().get("content-type"))) {
            // Multipart uploads (audio) stream through unread; a model-scoped key cannot be checked there.
            return identity.allowedModels().isEmpty() ? forward(ctx, identity, null)
                    : reply(ctx, OpenAiError.modelNotAllowed("(not a JSON request)"));
        }
        long declared = request.getBody().length();
        if (declared > maxBodyBytes) {
            return reply(ctx, OpenAiError.bodyTooLarge(maxBodyBytes));
        }
        return BoundedBody.read(request.getBody().stream(), maxBodyBytes)
                .compose(body -> {
                    // The client stream is consumed now: from here on the body is this buffer
                    // (releasing an ended server request would throw).
                    request.setBody(Body.body(body));
                    return routeByModel(ctx, identity, body);
                })
                .recover(failure -> reply(ctx, failure instanceof BoundedBody.TooLargeException
                        ? OpenAiError.bodyTooLarge(maxBodyBytes) : OpenAiError.invalidJson()));
    }

    private Future<ProxyResponse> routeByModel(ProxyContext ctx, Identity identity, Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException | IllegalStateException e) {
            return reply(ctx, OpenAiError.invalidJson());
        }
        if (json == null) {
            return reply(ctx, OpenAiError.invalidJson());
        }
        if (json.fieldNames().stream().anyMatch(field -> !field.equals("model") && field.equalsIgnoreCase("model"))) {
            // Some upstreams (Go's encoding/json) match keys case-insensitively and could read a
            // different model than the one checked against the key's scope here.
            return reply(ctx, OpenAiError.ambiguousModel());
        }
        Object model = json.getValue("model");
        if (!(model instanceof String name) || name.isBlank()) {
            return reply(ctx, OpenAiError.missingModel());
        }
        ctx.get(RECORD, RequestRecord.class).model = name;
        if (!identity.mayUseModel(name)) {
            metrics.auth(identity.method(), identity.channel().label(), "forbidden");
            return reply(ctx, OpenAiError.modelNotAllowed(name));
        }
        return forward(ctx, identity, name);
    }

    private Future<ProxyResponse> forward(ProxyContext ctx, Identity identity, String model) {
        Optional<Upstream> target = catalog.upstreamFor(model);
        if (target.isEmpty()) {
            return reply(ctx, model == null ? OpenAiError.noUpstream() : OpenAiError.modelNotFound(model));
        }
        Upstream upstream = target.get();
        RequestRecord record = ctx.get(RECORD, RequestRecord.class);
        record.route = "proxy";
        record.upstream = upstream.label();

        UpstreamHeaders.apply(ctx.request(), identity, upstreams.apiKey());
        ctx.request().setURI(upstream.uriFor(ctx.request().proxiedRequest().uri()));

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
            String type = response.headers().get("content-type");
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                // Tell nginx (and friends) in front not to buffer the stream.
                response.putHeader("x-accel-buffering", "no");
                response.putHeader("cache-control", "no-cache");
                Body body = response.getBody();
                response.setBody(Body.body(new SseFailureGuard(body.stream()), body.length(), body.mediaType()));
            }
        }
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
