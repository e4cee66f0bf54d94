package org.inferenceauth.gateway.routing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.inferenceauth.gateway.auth.Identity;

/**
 * Which upstream serves which model, learnt from each upstream's own {@code GET /models} and
 * refreshed periodically. If an upstream cannot be reached, its last known list is kept (calls
 * to it then fail fast with 502). Routing for a model nobody lists goes to the default upstream.
 */
public final class ModelCatalog {

    private static final Logger LOG = System.getLogger(ModelCatalog.class.getName());

    private final Vertx vertx;
    private final HttpClient http;
    private final List<Upstream> upstreams;
    private final Optional<Upstream> defaultUpstream;
    private final Optional<String> upstreamApiKey;
    private final UpstreamAuth upstreamAuth;
    private final Duration timeout;
    private final Map<Upstream, List<JsonObject>> modelsByUpstream = new ConcurrentHashMap<>();
    private volatile Map<String, Upstream> routes = Map.of();
    private long timerId = -1;

    public ModelCatalog(Vertx vertx, HttpClient http, List<Upstream> upstreams, Optional<Upstream> defaultUpstream,
                        Optional<String> upstreamApiKey, UpstreamAuth upstreamAuth, Duration timeout) {
        this.vertx = vertx;
        this.http = http;
        this.upstreams = List.copyOf(upstreams);
        this.defaultUpstream = defaultUpstream;
        this.upstreamApiKey = upstreamApiKey;
        this.upstreamAuth = upstreamAuth;
        this.timeout = timeout;
    }

    /** Refreshes now, then every {@code interval}; the returned future ends with the first refresh. */
    public Future<Void> start(Duration interval) {
        return refresh().andThen(v -> timerId = vertx.setPeriodic(interval.toMillis(), id -> refresh()));
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Fetches every upstream's list; never fails (unreachable upstreams keep their last list). */
    public Future<Void> refresh() {
        List<Future<Void>> all = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            all.add(fetch(upstream).map(models -> {
                modelsByUpstream.put(upstream, models);
                return (Void) null;
            }).recover(failure -> {
                if (!(failure instanceof Refused)) { // a refusal was logged once, as an error, by UpstreamAuth
                    LOG.log(Level.WARNING, "Could not list models of " + upstream.label() + ": " + failure.getMessage());
                }
                return Future.succeededFuture();
            }));
        }
        return Future.join(all).<Void>mapEmpty().recover(f -> Future.succeededFuture()).andThen(v -> rebuildRoutes());
    }

    /** The upstream serving a model, or the default upstream, or empty. */
    public Optional<Upstream> upstreamFor(String model) {
        Upstream routed = model == null ? null : routes.get(model);
        return routed != null ? Optional.of(routed) : defaultUpstream;
    }

    /** Whether an upstream lists this model now. */
    public boolean serves(String model) {
        return routes.containsKey(model);
    }

    public Optional<Upstream> defaultUpstream() {
        return defaultUpstream;
    }

    /** The union of the upstreams' models that this identity may use, in upstream order. */
    public List<JsonObject> modelsFor(Identity identity) {
        Map<String, JsonObject> union = new LinkedHashMap<>();
        for (Upstream upstream : upstreams) {
            for (JsonObject model : modelsByUpstream.getOrDefault(upstream, List.of())) {
                String id = model.getString("id");
                if (identity.mayUseModel(id)) {
                    union.putIfAbsent(id, model);
                }
            }
        }
        return List.copyOf(union.values());
    }

    public Optional<JsonObject> model(Identity identity, String id) {
        return modelsFor(identity).stream().filter(m -> id.equals(m.getString("id"))).findFirst();
    }

    private void rebuildRoutes() {
        Map<String, Upstream> next = new LinkedHashMap<>();
        for (Upstream upstream : upstreams) {
            for (JsonObject model : modelsByUpstream.getOrDefault(upstream, List.of())) {
                next.putIfAbsent(model.getString("id"), upstream);
            }
        }
        routes = Map.copyOf(next);
    }

    /** The upstream answered 401 to the gateway's own key. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super("HTTP 401", null, false, false);
        }
    }

    private Future<List<JsonObject>> fetch(Upstream upstream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("accept", "application/json");
        upstreamApiKey.ifPresent(key -> headers.add("authorization", "Bearer " + key));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(upstream.host()).setPort(upstream.port()).setSsl(upstream.ssl())
                .setURI(upstream.basePath() + "/models")
                .setHeaders(headers)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        return http.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    if (upstreamAuth.refused(upstream, response.statusCode())) {
                        throw new Refused();
                    }
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    JsonArray data = body.toJsonObject().getJsonArray("data", new JsonArray());
                    List<JsonObject> models = new ArrayList<>();
                    for (Object item : data) {
                        if (item instanceof JsonObject model && model.getString("id") != null) {
                            models.add(model);
                        }
                    }
                    return List.copyOf(models);
                }))
                // A hard stop on top of the client's own timeouts: a refresh must never hang.
                .timeout(timeout.multipliedBy(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
