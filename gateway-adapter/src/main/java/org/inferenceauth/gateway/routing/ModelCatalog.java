package org.inferenceauth.gateway.routing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
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
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final HttpClient http;
    private final List<Upstream> upstreams;
    private final Optional<Upstream> defaultUpstream;
    private final Optional<String> upstreamApiKey;
    private final UpstreamAuth upstreamAuth;
    private final Duration timeout;
    private final Map<Upstream, List<JsonObject>> modelsByUpstream = new ConcurrentHashMap<>();
    private volatile Map<String, Upstream> routes = Map.of();
    private volatile long timerId = -1;
    private volatile boolean stopped;

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

    /**
     * Refreshes now, then every {@code interval}; the returned future ends with the first refresh.
     * While some upstream has never answered, the next try comes sooner (1 s, doubling up to the
     * interval): a gateway that started while an upstream was slow must not misroute for a whole interval.
     * The first refresh runs on an event loop whatever thread starts the gateway: a request chained
     * from another thread can lose its answer's body (Vert.x drops what arrives before {@code body()}
     * is asked for), and the refresh would then wait out its timeout and route nothing meanwhile.
     */
    public Future<Void> start(Duration interval) {
        Promise<Void> first = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> refresh().andThen(done -> scheduleNext(interval, FIRST_RETRY))
                .onComplete(first));
        return first.future();
    }

    public void stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void scheduleNext(Duration interval, Duration retry) {
        if (stopped) {
            return;
        }
        boolean allKnown = upstreams.stream().allMatch(modelsByUpstream::containsKey);
        Duration delay = allKnown || retry.compareTo(interval) > 0 ? interval : retry;
        Duration after = allKnown ? FIRST_RETRY : retry.multipliedBy(2);
        timerId = vertx.setTimer(delay.toMillis(), id -> refresh().andThen(v -> scheduleNext(interval, after)));
    }

    /** Fetches every upstream's list; never fails (unreachable upstreams keep their last list). */
    public Future<Void> refresh() {
        List<Future<Void>> all = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            // Routes are rebuilt as each list arrives: one upstream that is slow to answer must not
            // keep the others' models unrouted.
            all.add(fetch(upstream).map(models -> {
                modelsByUpstream.put(upstream, models);
                rebuildRoutes();
                return (Void) null;
            }).recover(failure -> {
                if (!(failure instanceof Refused)) { // a refusal was logged once, as an error, by UpstreamAuth
                    LOG.log(Level.WARNING, "Could not list models of " + upstream.label() + ": " + failure.getMessage());
                }
                return Future.succeededFuture();
            }));
        }
        return Future.join(all).<Void>mapEmpty().recover(f -> Future.succeededFuture());
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

    /** How many upstreams' model lists are known (an upstream never reached has none yet). */
    public Coverage coverage() {
        return new Coverage((int) upstreams.stream().filter(modelsByUpstream::containsKey).count(), upstreams.size());
    }

    public record Coverage(int listed, int upstreams) {
        public boolean complete() {
            return listed == upstreams;
        }
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

    // Synchronized: lists may arrive on different event loops; the last writer must see every list.
    private synchronized void rebuildRoutes() {
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
                .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
