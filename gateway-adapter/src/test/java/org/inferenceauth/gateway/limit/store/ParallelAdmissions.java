package org.inferenceauth.gateway.limit.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Two replicas admitting the same operations at once: calls alternate between them, all released together. */
final class ParallelAdmissions {

    private ParallelAdmissions() {}

    /** How many of {@code calls} admissions (8 threads) were allowed whole. */
    static int admitted(LimitStore one, LimitStore two, List<Op> ops, int calls) throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            LimitStore store = i % 2 == 0 ? one : two;
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (allAllowed(store.admit(ops).toCompletableFuture().join())) {
                    admitted.incrementAndGet();
                }
            }, threads));
        }
        start.countDown();
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdown();
        }
        return admitted.get();
    }

    static boolean allAllowed(Outcome[] outcomes) {
        for (Outcome outcome : outcomes) {
            if (!outcome.allowed()) {
                return false;
            }
        }
        return true;
    }
}
