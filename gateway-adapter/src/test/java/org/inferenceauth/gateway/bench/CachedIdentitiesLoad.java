package org.inferenceauth.gateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;

/**
 * For {@code bench/footprint.sh}, not a test: the stand-in realm and a demo upstream for a gateway
 * running in a process of its own, then that gateway's API-key cache filled with N identities, each
 * key presented once on {@code GET /v1/models} (authenticated, answered by the gateway itself), so
 * the script can read the gateway's resident memory with N cached identities.
 * Args: info file (gets {@code ISSUER=} and {@code UPSTREAM=}), then waits for a line naming the
 * gateway's URL on standard input, then N.
 */
public final class CachedIdentitiesLoad {

    private static final int CONCURRENCY = 64;
    private static final int PEOPLE = 1000;

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("bench-model"), Duration.ZERO)
                .start("127.0.0.1", 0).await();
        // 1,000 people with 100 keys each, every answer carrying what a real one does: model scopes
        // and delivered limits (a person's set, their project's, the realm's person defaults).
        List<String> keys = new ArrayList<>(count);
        for (int person = 0; person < Math.min(count, PEOPLE); person++) {
            keycloak.setLimits("user" + person, new JsonObject()
                    .put("user", new JsonObject().put("requests_per_minute", 60).put("tokens_per_day", 200_000))
                    .put("project", new JsonObject().put("tokens_per_month", 5_000_000))
                    .put("default_user", new JsonObject().put("requests_per_minute", 30)));
        }
        for (int i = 0; i < count; i++) {
            keys.add(keycloak.mintKey("user" + (i % PEOPLE), "model:bench-model", "model:other-model").token());
        }
        Files.writeString(Path.of(args[0]), "ISSUER=" + keycloak.issuer() + "\nUPSTREAM=" + upstream.baseUrl() + "\n");
        String gateway = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine().trim();
        java.net.URI uri = java.net.URI.create(gateway);

        HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(CONCURRENCY)).build();
        AtomicInteger next = new AtomicInteger();
        // Answers by status (0: none came). Each person's 100 keys come within half a minute, against their
        // limit of 60 requests a minute (60 at once, then one a second): about a fifth of the answers are
        // 429, each after the key was authenticated, so its identity is cached all the same.
        Map<Integer, AtomicInteger> answers = new ConcurrentSkipListMap<>();
        long started = System.nanoTime();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < CONCURRENCY; lane++) {
            lanes.add(presentFrom(vertx, client, uri, keys, next, answers));
        }
        Future.all(lanes).await();
        System.out.printf("presented %d keys in %.1f s; answers by status: %s%n", count,
                (System.nanoTime() - started) / 1e9, answers);
        client.close().await();
        // Stays up: the gateway's revocation re-check keeps asking about its cached keys.
        Thread.currentThread().join();
    }

    /** One lane: presents the next unpresented key until none is left; completes {@code done} then. */
    private static Future<Void> presentFrom(Vertx vertx, HttpClient client, java.net.URI gateway, List<String> keys,
                                            AtomicInteger next, Map<Integer, AtomicInteger> answers) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        // From the event loop: a request chained from this thread can lose its answer's body, and hang.
        vertx.runOnContext(v -> presentNext(client, gateway, keys, next, answers, done));
        return done.future();
    }

    private static void presentNext(HttpClient client, java.net.URI gateway, List<String> keys, AtomicInteger next,
                                    Map<Integer, AtomicInteger> answers, io.vertx.core.Promise<Void> done) {
        int i = next.getAndIncrement();
        if (i >= keys.size()) {
            done.complete();
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(gateway.getHost())
                        .setPort(gateway.getPort()).setURI("/v1/models")
                        .putHeader("authorization", "Bearer " + keys.get(i)))
                .compose(request -> request.send())
                .compose(response -> {
                    answers.computeIfAbsent(response.statusCode(), status -> new AtomicInteger()).incrementAndGet();
                    return response.body();
                })
                .onComplete(ar -> { // from the event loop, not nested: no stack grows with the count
                    if (ar.failed()) {
                        answers.computeIfAbsent(0, none -> new AtomicInteger()).incrementAndGet();
                    }
                    Vertx.currentContext().runOnContext(v -> presentNext(client, gateway, keys, next, answers, done));
                });
    }
}
