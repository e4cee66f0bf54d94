package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.ops.AccessLog;
import org.inferenceauth.gateway.ops.GatewayMetrics;
import org.inferenceauth.gateway.ops.RequestRecord;
import org.inferenceauth.gateway.routing.ModelCatalog;
import org.inferenceauth.gateway.routing.PathPolicy;
import org.inferenceauth.gateway.routing.Upstream;

/**
 * The gateway's one proxy interceptor: allow-list, authentication, model routing and scope,
 * then the request goes upstream with the client's credential replaced by identity headers.
 * Every refusal is a succeeded future carrying an OpenAI-shaped response (in vertx-http-proxy
 * 5.0.7 a failed future after releasing the request sends nothing at all). Response bodies are
 * never transformed, so SSE chunks pass through as they arrive.
 */
public final class GatewayInterceptor implements ProxyInterceptor {

    static final String UPSTREAM = "gateway.upstream";
    private static final String RECORD = "gateway.record";
    private static final String SENT_AT = "gateway.sentAt";
    private static final String MODEL_PREFIX = PathPolicy.MODELS + "/";

    private final PathPolicy policy;
    private final Authenticator authenticator;
    private final ModelCatalog catalog;
    private final UpstreamSettings upstreams;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final long maxBodyBytes;
    private final Duration retryAfter;

    /** What the interceptor needs to know about upstream calls. */
    public record UpstreamSettings(Optional<String> apiKey) {}

    public GatewayInterceptor(PathPolicy policy, Authenticator authenticator, ModelCatalog catalog,
                              UpstreamSettings upstreams, GatewayMetrics metrics, AccessLog accessLog,
                              long maxBodyBytes, Duration retryAfter) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.maxBodyBytes = maxBodyBytes;
        this.retryAfter = retryAfter;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest server = ctx.request().proxiedRequest();
        RequestRecord record = new RequestRecord(server.method().name(), server.path());
        ctx.set(RECORD, record);
        observeEnd(server.response(), record);

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
        record.authMethod = identity.kind() == Identity.Kind.JWT ? "jwt" : "api_key";
        return switch (route) {
            case LIST_MODELS -> listModels(ctx, identity);
            case GET_MODEL -> getModel(ctx, identity);
            default -> proxyInference(ctx, identity);
        };
    }

    private Future<ProxyResponse> listModels(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        JsonObject list = new JsonObject().put("object", "list").put("data", new JsonArray(catalog.modelsFor(identity)));
        return replyJson(ctx, 200, list);
    }

    private Future<ProxyResponse> getModel(ProxyContext ctx, Identity identity) {
        ctx.get(RECORD, RequestRecord.class).route = "models";
        String id = URLDecoder.decode(ctx.request().proxiedRequest().path().substring(MODEL_PREFIX.length()),
                StandardCharsets.UTF_8);
        return catalog.model(identity, id)
                .map(model -> replyJson(ctx, 200, model))
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
        Object model = json.getValue("model");
        if (!(model instanceof String name) || name.isBlank()) {
            return reply(ctx, OpenAiError.missingModel());
        }
        ctx.get(RECORD, RequestRecord.class).model = name;
        if (!identity.mayUseModel(name)) {
            metrics.auth(identity.kind() == Identity.Kind.JWT ? "jwt" : "api_key", "forbidden");
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

        ProxyRequest request = ctx.request();
        HttpServerRequest server = request.proxiedRequest();
        IdentityHeaders.stripClientCredentials(request.headers());
        request.headers().remove("expect"); // the body is already here (or streams now): no 100-continue upstream
        IdentityHeaders.write(identity, request::putHeader);
        upstreams.apiKey().ifPresent(key -> request.putHeader("authorization", "Bearer " + key));
        String forwardedFor = request.headers().get("x-forwarded-for");
        String client = server.remoteAddress() == null ? "unknown" : server.remoteAddress().hostAddress();
        request.putHeader("x-forwarded-for", forwardedFor == null ? client : forwardedFor + ", " + client);
        request.putHeader("x-forwarded-proto", server.scheme() == null ? "http" : server.scheme());
        request.setURI(upstream.uriFor(server.uri()));

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
            }
        }
        return ctx.sendResponse();
    }

    private Future<ProxyResponse> reply(ProxyContext ctx, OpenAiError error) {
        RequestRecord record = ctx.get(RECORD, RequestRecord.class);
        if (record != null) {
            record.errorCode = error.code();
        }
        ProxyResponse response = ctx.request().release().response()
                .setStatusCode(error.status())
                .setBody(Body.body(Buffer.buffer(error.body()), MediaType.APPLICATION_JSON));
        error.headers().forEach(response::putHeader);
        return Future.succeededFuture(response);
    }

    private Future<ProxyResponse> replyJson(ProxyContext ctx, int status, JsonObject json) {
        return Future.succeededFuture(ctx.request().release().response()
                .setStatusCode(status)
                .setBody(Body.body(json.toBuffer(), MediaType.APPLICATION_JSON)));
    }

    private void observeEnd(HttpServerResponse response, RequestRecord record) {
        AtomicBoolean logged = new AtomicBoolean();
        response.endHandler(v -> {
            if (logged.compareAndSet(false, true)) {
                finish(record, response.getStatusCode(), false);
            }
        });
        response.closeHandler(v -> {
            if (logged.compareAndSet(false, true)) {
                finish(record, response.getStatusCode(), true);
            }
        });
    }

    private void finish(RequestRecord record, int status, boolean aborted) {
        metrics.request(record.route, status);
        accessLog.write(record, status, aborted);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return true; // curl -d without -H, and some clients: treat as JSON (it must parse as JSON anyway)
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json") || type.startsWith("application/x-www-form-urlencoded");
    }
}
