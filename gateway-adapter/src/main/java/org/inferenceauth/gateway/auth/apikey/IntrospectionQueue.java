package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * At most {@code maxConcurrent} introspections in flight and {@code maxWaiting} waiting for a slot;
 * anything beyond fails at once (503 {@code auth_unavailable}), and a call that waited longer than
 * {@code maxWait} is dropped rather than started late. So a burst of unknown keys queues a bounded
 * amount of work for Keycloak instead of piling up unbounded requests and memory in the gateway.
 */
public final class IntrospectionQueue {

    private record Waiting(Supplier<Future<Introspection>> call, Promise<Introspection> promise, long sinceNanos) {}

    private final int maxConcurrent;
    private final int maxWaiting;
    private final long maxWaitNanos;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private int running;

    public IntrospectionQueue(int maxConcurrent, int maxWaiting, Duration maxWait) {
        this.maxConcurrent = maxConcurrent;
        this.maxWaiting = maxWaiting;
        this.maxWaitNanos = maxWait.toNanos();
    }

    public Future<Introspection> submit(Supplier<Future<Introspection>> call) {
        Promise<Introspection> promise = Promise.promise();
        boolean startNow;
        synchronized (this) {
            startNow = running < maxConcurrent;
            if (startNow) {
                running++;
            } else if (waiting.size() < maxWaiting) {
                waiting.addLast(new Waiting(call, promise, System.nanoTime()));
                return promise.future();
            } else {
                return Future.failedFuture(new KeycloakUnavailableException("too many introspections waiting for Keycloak"));
            }
        }
        run(call, promise);
        return promise.future();
    }

    private void run(Supplier<Future<Introspection>> call, Promise<Introspection> promise) {
        Future<Introspection> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        started.onComplete(done -> {
            promise.handle(done);
            next();
        });
    }

    private void next() {
        List<Waiting> expired = new ArrayList<>();
        Waiting candidate;
        synchronized (this) {
            candidate = pollFresh(expired);
            if (candidate == null) {
                running--;
            }
        }
        // Completing promises runs their handlers: outside the lock.
        expired.forEach(w -> w.promise().tryFail(new KeycloakUnavailableException("introspection waited too long for Keycloak")));
        if (candidate != null) {
            run(candidate.call(), candidate.promise());
        }
    }

    /** The oldest waiter still worth starting; the ones that waited too long go to {@code expired}. */
    private Waiting pollFresh(List<Waiting> expired) {
        long now = System.nanoTime();
        for (Waiting w; (w = waiting.pollFirst()) != null; ) {
            if (now - w.sinceNanos() <= maxWaitNanos) {
                return w;
            }
            expired.add(w);
        }
        return null;
    }

    /** Introspections running or waiting (for metrics). */
    public synchronized int pending() {
        return running + waiting.size();
    }
}
