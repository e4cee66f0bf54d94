package org.inferenceauth.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.inferenceauth.gateway.accesslog.AccessLog;
import org.inferenceauth.gateway.accesslog.RequestLogging;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.admission.Admission;
import org.inferenceauth.gateway.auth.Authenticator;
import org.inferenceauth.gateway.auth.apikey.ApiKeyAuthenticator;
import org.inferenceauth.gateway.auth.apikey.ApiKeyPrecheck;
import org.inferenceauth.gateway.auth.apikey.IntrospectionQueue;
import org.inferenceauth.gateway.auth.apikey.KeycloakApiKeyClient;
import org.inferenceauth.gateway.auth.apikey.KeycloakHealth;
import org.inferenceauth.gateway.auth.apikey.SourceBudget;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.auth.revocation.RevocationPoller;
import org.inferenceauth.gateway.auth.service.ServiceAccountAuthenticator;
import org.inferenceauth.gateway.auth.service.TokenExchange;
import org.inferenceauth.gateway.auth.revocation.RevokedIdentities;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.limit.Limiter;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Payers;
import org.inferenceauth.gateway.limit.store.LimitStore;
import org.inferenceauth.gateway.limit.store.LocalLimitStore;
import org.inferenceauth.gateway.limit.store.PrefetchingLimitStore;
import org.inferenceauth.gateway.limit.store.RedisLimitStore;
import org.inferenceauth.gateway.limit.store.StoreHealth;
import org.inferenceauth.gateway.forwardauth.ForwardAuthHandler;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.migration.Migration;
import org.inferenceauth.gateway.net.ClientAddress;
import org.inferenceauth.gateway.net.KeycloakTrust;
import org.inferenceauth.gateway.net.ServerCertificate;
import org.inferenceauth.gateway.ops.ManagementServer;
import org.inferenceauth.gateway.ops.Readiness;
import org.inferenceauth.gateway.proxy.GatewayHandler;
import org.inferenceauth.gateway.proxy.Relay;
import org.inferenceauth.gateway.proxy.UpstreamClients;
import org.inferenceauth.gateway.routing.ModelCatalog;
import org.inferenceauth.gateway.routing.PathPolicy;
import org.inferenceauth.gateway.routing.Upstream;
import org.inferenceauth.gateway.routing.UpstreamAuth;
import org.inferenceauth.gateway.usage.UsageAccounting;

/** Wires the gateway together and runs its two listeners: the API port and the management port. */
public final class GatewayServer {

    private static final System.Logger LOG = System.getLogger(GatewayServer.class.getName());

    private final Vertx vertx;
    private final GatewayConfig config;
    private final ApiKeyPrecheck precheck;
    private final PrintStream logOut;
    private final GatewayMetrics metrics = new GatewayMetrics();

    /** The model lists' client; calls are relayed by one client per event loop. */
    private HttpClient upstreamClient;
    private UpstreamClients relayClients;
    private HttpClient keycloakClient;
    private ModelCatalog catalog;
    private RevocationPoller poller;
    private JwtAuthenticator jwts;
    private ApiKeyCache keyCache;
    private final Clock limitsClock;
    private LimitStore limitStore;
    private UsageAccounting usage;
    /** The API port's servers, one per event loop (the first bound the port). */
    private final List<HttpServer> apiServers = new CopyOnWriteArrayList<>();
    private volatile String apiDeployment;
    private static final AtomicInteger EPHEMERAL_PORT_KEYS = new AtomicInteger();
    private ManagementServer management;
    /** The API port's certificate when it serves HTTPS, read again as it is renewed. */
    private ServerCertificate certificate;

    public GatewayServer(Vertx vertx, GatewayConfig config, ApiKeyPrecheck precheck, PrintStream logOut) {
        this(vertx, config, precheck, logOut, Clock.systemUTC());
    }

    /**
     * @param limitsClock the clock of calendar budgets, in-memory windows and legacy keys' and subnets'
     *                    sunsets (tests move it across midnight, or past a sunset)
     */
    public GatewayServer(Vertx vertx, GatewayConfig config, ApiKeyPrecheck precheck, PrintStream logOut, Clock limitsClock) {
        this.vertx = vertx;
        this.config = config;
        this.precheck = precheck;
        this.logOut = logOut;
        this.limitsClock = limitsClock;
    }

    /** Starts everything; the future completes when both ports listen and the first model refresh and revocation round ran. */
    public Future<GatewayServer> start() {
        GatewayConfig.Upstreams up = config.upstreams();
        Supplier<HttpClientOptions> upstreamOptions = () -> new HttpClientOptions()
                .setKeepAlive(true).setIdleTimeout(0).setDecompressionSupported(false)
                // Drop pooled connections before the upstream does (uvicorn, under vLLM, closes idle
                // keep-alive connections after 5 s): reusing one it just closed would fail a request.
                .setKeepAliveTimeout((int) up.keepAliveTimeout().toSeconds());
        upstreamClient = vertx.httpClientBuilder().with(upstreamOptions.get()).with(new PoolOptions().setHttp1MaxSize(8)).build();
        // The configured connection limit, shared out among the event loops' pools.
        int perLoop = (up.maxConnections() + config.eventLoops() - 1) / config.eventLoops();
        relayClients = new UpstreamClients(vertx, upstreamOptions, new PoolOptions().setHttp1MaxSize(perLoop), up.connectTimeout());
        KeycloakTrust keycloakTrust = new KeycloakTrust(config.keycloak().caFile());
        keycloakClient = vertx.httpClientBuilder()
                .with(keycloakTrust.apply(new HttpClientOptions().setKeepAlive(true)))
                .with(new PoolOptions().setHttp1MaxSize(32))
                .build();

        List<Upstream> upstreams = up.baseUrls().stream().map(Upstream::of).toList();
        UpstreamAuth upstreamAuth = new UpstreamAuth(metrics);
        catalog = new ModelCatalog(vertx, upstreamClient, upstreams, up.defaultUpstream().map(Upstream::of),
                up.apiKey(), upstreamAuth, up.connectTimeout().plus(Duration.ofSeconds(5)));

        Clock clock = Clock.systemUTC();
        RevokedIdentities revoked = new RevokedIdentities(Duration.ofHours(24), config.jwt().clockSkew(), clock);
        jwts = new JwtAuthenticator(vertx, config.jwt(), config.keycloak().issuer().toString(), revoked,
                config.keycloak().timeout(), clock, keycloakTrust);
        KeycloakHealth keycloakHealth = new KeycloakHealth(metrics);
        KeycloakApiKeyClient keycloak = new KeycloakApiKeyClient(keycloakClient, config.keycloak(), keycloakHealth);
        keyCache = new ApiKeyCache(config.keyCache(), Ticker.systemTicker(), clock);
        GatewayConfig.AuthProtection protection = config.authProtection();
        // One failure budget per source for every kind of credential Keycloak is asked about.
        SourceBudget failureBudget = new SourceBudget(protection.failureBudget(), protection.failureRefill());
        ServiceAccountAuthenticator serviceAccounts = config.serviceCredentials().enabled()
                ? new ServiceAccountAuthenticator(new TokenExchange(keycloakClient, config.keycloak()), jwts,
                        failureBudget, config.serviceCredentials())
                : null;
        Authenticator authenticator = new Authenticator(jwts, apiKeys(keycloak, keycloakHealth, clock, failureBudget),
                metrics, serviceAccounts);
        poller = new RevocationPoller(vertx, keycloak, keyCache, jwts, revoked, metrics,
                RevocationPoller.Pace.of(config.keycloak()));

        limitStore = limitStore(config.rateLimit());
        PathPolicy policy = new PathPolicy(config.extraPaths());
        usage = new UsageAccounting(config, metrics, catalog::serves);
        // A finished request is counted for usage, then settles its limits (tokens, concurrency slots).
        RequestLogging logging = new RequestLogging(metrics, new AccessLog(config.accessLogEnabled(), logOut),
                usage.recorder().andThen(GatewayServer::settleLimits));
        ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
        GatewayConfig.RateLimit limits = config.rateLimit();
        Payers payers = new Payers(limits.defaultsEnabled()
                ? LimitSet.requestsPerMinute(limits.requestsPerMinute(), limits.burst()) : LimitSet.NONE);
        Migration migration = new Migration(config.migration(), metrics, logOut, limitsClock, config.keycloak().realmName());
        if (config.migration().audit()) {
            LOG.log(System.Logger.Level.WARNING, "GATEWAY_AUTH_MODE=audit: calls without a valid credential are let "
                    + "through (counted in gateway_audit_passes_total, logged once per caller and path); set enforce when done");
        }
        Admission admission = new Admission(authenticator, migration, payers,
                new Limiter(limitStore, new Calendar(limitsClock), metrics), clientAddress,
                metrics, config.keycloak().retryAfter(), config.keycloak().realmName());
        Relay relay = new Relay(relayClients, new Relay.Settings(up.apiKey(), clientAddress, upstreamAuth,
                up.connectTimeout(), up.idleTimeout()), metrics);
        GatewayHandler proxy = new GatewayHandler(policy, admission, catalog, relay, logging, usage.webUi(),
                config.maxBodyBytes());
        ForwardAuthHandler forwardAuth = config.forwardAuth()
                .map(type -> new ForwardAuthHandler(type, policy, admission, logging)).orElse(null);

        management = new ManagementServer(vertx, metrics, () -> jwts.checkJwks()
                .map(jwks -> new Readiness(jwks, keycloakHealth.refusing() ? Readiness.Keycloak.REFUSED
                        : poller.keycloakReachable() ? Readiness.Keycloak.UP : Readiness.Keycloak.UNREACHABLE,
                        keyCache.size(), catalog.coverage())));

        certificate = config.tls().map(tls -> new ServerCertificate(vertx, tls.certFile(), tls.keyFile())).orElse(null);
        usage.start();
        Duration firstRoundLimit = up.connectTimeout().plus(config.keycloak().timeout()).plusSeconds(5);
        return boundedWait("first model-list refresh", catalog.start(up.modelsRefreshInterval()), firstRoundLimit)
                .compose(v -> boundedWait("first revocation round", poller.start(), firstRoundLimit))
                .compose(v -> listen(request -> {
                    if (forwardAuth != null && ForwardAuthHandler.matches(request.path())) {
                        forwardAuth.handle(request);
                    } else {
                        proxy.handle(request);
                    }
                }))
                .compose(v -> management.start(config.managementHost(), config.managementPort()))
                .map(v -> {
                    config.tls().ifPresent(tls -> certificate.watch(apiServers.get(0), tls.reloadInterval()));
                    return this;
                });
    }

    /**
     * The API port, served by {@code GATEWAY_EVENT_LOOPS} servers, each on an event loop of its own:
     * Vert.x shares one listening socket among servers of the same port and deals out connections
     * in turn. Port 0 (tests) is asked for as a negative port, Vert.x's way to share one random port;
     * a number of its own per gateway, so two gateways in one JVM never share a socket.
     */
    private Future<Void> listen(Handler<HttpServerRequest> handler) {
        int port = config.port() == 0 ? -EPHEMERAL_PORT_KEYS.incrementAndGet() : config.port();
        return vertx.deployVerticle(() -> new ApiListener(handler, port),
                        new DeploymentOptions().setInstances(config.eventLoops()))
                .map(id -> {
                    apiDeployment = id;
                    return null;
                });
    }

    /** One of the API port's servers, on the event loop Vert.x gives this verticle instance. */
    private final class ApiListener extends VerticleBase {

        private final Handler<HttpServerRequest> handler;
        private final int port;

        ApiListener(Handler<HttpServerRequest> handler, int port) {
            this.handler = handler;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(apiServerOptions()).requestHandler(handler).listen(port, config.host())
                    .onSuccess(apiServers::add);
        }
    }

    private HttpServerOptions apiServerOptions() {
        HttpServerOptions options = new HttpServerOptions()
                // gzip would hold back small SSE chunks; curl sends Expect: 100-continue for bodies > 1 KiB.
                .setCompressionSupported(false).setHandle100ContinueAutomatically(true)
                // No WebSocket is ever accepted here: with no compression offered, Netty's WebSocket extension
                // handler stays out of the pipeline, which it would otherwise cross twice per request.
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                .setHttp2ClearTextEnabled(config.h2c())
                // Connections nobody uses are closed; longer than the upstream's, so a slow prefill is not cut.
                .setIdleTimeout((int) config.clientIdleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        // HTTPS on the API port: HTTP/2 and HTTP/1.1 offered by ALPN.
        if (certificate != null) {
            options.setSsl(true).setUseAlpn(true).setKeyCertOptions(certificate.options());
        }
        return options;
    }

    /** API keys: the caches, and what keeps unknown keys from becoming unbounded Keycloak load. */
    private ApiKeyAuthenticator apiKeys(KeycloakApiKeyClient keycloak, KeycloakHealth health, Clock clock,
                                        SourceBudget failureBudget) {
        metrics.gauge("gateway_key_cache_size", "API-key identities currently cached", keyCache::size);
        metrics.gauge("gateway_key_negative_cache_size", "API keys cached as inactive", keyCache::inactiveSize);
        GatewayConfig.AuthProtection protection = config.authProtection();
        IntrospectionQueue introspections = new IntrospectionQueue(protection.maxConcurrentIntrospections(),
                protection.introspectionQueue(), config.keycloak().timeout());
        metrics.gauge("gateway_introspections_pending", "Introspections running or waiting for Keycloak", introspections::pending);
        return new ApiKeyAuthenticator(precheck, keyCache, keycloak, introspections, failureBudget, health, metrics, clock);
    }

    /** In memory, or in Redis (with this replica's memory as the concurrency fallback), by default with most calls decided here. */
    private LimitStore limitStore(GatewayConfig.RateLimit settings) {
        LocalLimitStore local = new LocalLimitStore(config.keyCache().maxEntries(), limitsClock);
        return settings.redisUrl().<LimitStore>map(url -> {
            RedisLimitStore redis = new RedisLimitStore(vertx, url, settings.redisCaFile(), settings.redisTimeout(),
                    settings.redisKeyPrefix(), settings.leaseTtl(), local, new StoreHealth(metrics));
            return settings.redisPrefetch() ? new PrefetchingLimitStore(redis) : redis;
        }).orElse(local);
    }

    private static void settleLimits(RequestRecord record) {
        if (record.limitCharge != null) {
            record.limitCharge.settle(record.promptTokens, record.completionTokens);
        }
    }

    /**
     * Waits for a start-up step at most {@code limit}: the first model refresh and revocation round
     * are useful before serving, but never a reason not to start (they keep running afterwards).
     */
    private Future<Void> boundedWait(String step, Future<Void> future, Duration limit) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        long timer = vertx.setTimer(limit.toMillis(), id -> {
            if (done.tryComplete()) {
                LOG.log(System.Logger.Level.WARNING, step + " did not finish within " + limit + "; starting anyway");
            }
        });
        future.onComplete(ar -> {
            vertx.cancelTimer(timer);
            done.tryComplete();
        });
        return done.future();
    }

    public int port() {
        return apiServers.get(0).actualPort();
    }

    /** How many upstreams' model lists are known so far (the same figure /readyz reports). */
    public ModelCatalog.Coverage modelCoverage() {
        return catalog.coverage();
    }

    public int managementPort() {
        return management.port();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Runs one revocation round now (tests use it to avoid waiting for the timer). */
    public Future<Void> pollRevocations() {
        return poller.round();
    }

    public Future<Void> stop() {
        if (certificate != null) {
            certificate.stop();
        }
        if (poller != null) {
            poller.stop();
        }
        if (catalog != null) {
            catalog.stop();
        }
        if (jwts != null) {
            jwts.close();
        }
        // Undeploying a listener closes its server.
        Future<Void> apiClosed = apiDeployment == null ? Future.succeededFuture() : vertx.undeploy(apiDeployment);
        Future<Void> managementClosed = management == null ? Future.succeededFuture() : management.stop();
        // Usage last: every request has finished (and been recorded) once the API port is closed.
        Future<Void> usageDone = apiClosed.transform(v -> usage == null ? Future.succeededFuture()
                : Future.fromCompletionStage(usage.shutdown()));
        // After the API port: every request has settled its limits. Off the event loops, whose Redis
        // connections send what is still queued while close() waits.
        return Future.join(usageDone, managementClosed).transform(v -> limitStore == null ? Future.<Void>succeededFuture()
                : vertx.<Void>executeBlocking(() -> {
                    limitStore.close();
                    return null;
                })).compose(v -> Future.join(
                upstreamClient == null ? Future.succeededFuture() : upstreamClient.close(),
                relayClients == null ? Future.succeededFuture() : relayClients.close(),
                keycloakClient == null ? Future.succeededFuture() : keycloakClient.close())).mapEmpty();
    }

}
