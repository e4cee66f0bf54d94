package org.inferenceauth.it.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Callers that keep going while a node dies: each worker repeats its operations in a loop and
 * records every outcome with its time, so the run can count the errors inside a time window.
 */
final class SteadyLoad implements AutoCloseable {

    /** One attempt: which operation, when it ended (nanoTime), whether it succeeded, what went wrong. */
    record Outcome(String operation, long endedNanos, boolean ok, String detail) {}

    /** An operation: returns null on success, or what went wrong. */
    interface Operation extends Callable<String> {}

    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** A worker that runs {@code steps} (name, operation) in turn, pausing {@code pauseMillis} after each round. */
    SteadyLoad worker(String name, long pauseMillis, List<java.util.Map.Entry<String, Operation>> steps) {
        Thread thread = new Thread(() -> {
            while (running.get()) {
                for (var step : steps) {
                    if (!running.get()) {
                        return;
                    }
                    String problem;
                    try {
                        problem = step.getValue().call();
                    } catch (Exception | AssertionError e) {
                        problem = e.toString();
                    }
                    record(new Outcome(step.getKey(), System.nanoTime(), problem == null, problem));
                }
                sleep(pauseMillis);
            }
        }, "load-" + name);
        thread.setDaemon(true);
        workers.add(thread);
        return this;
    }

    SteadyLoad start() {
        workers.forEach(Thread::start);
        return this;
    }

    private synchronized void record(Outcome outcome) {
        outcomes.add(outcome);
    }

    /** Every outcome of {@code operation} that ended in [from, to) (nanoTime). */
    synchronized List<Outcome> of(String operation, long from, long to) {
        return outcomes.stream()
                .filter(o -> o.operation().equals(operation) && o.endedNanos() >= from && o.endedNanos() < to)
                .toList();
    }

    static long errors(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok()).count();
    }

    static long successes(List<Outcome> outcomes) {
        return outcomes.stream().filter(Outcome::ok).count();
    }

    /** Stops the workers, letting each finish the call it is in. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread worker : workers) {
            worker.join(120_000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
