package org.inferenceauth.gateway.async;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Vert.x's future steps, taken at once when the future is already complete, as it is for almost
 * every request (a cached key, limits counted in memory, a body that came with its headers). Each
 * Vert.x step allocates a future and a listener and dispatches through the context (timing it and
 * switching the class loader), a dozen times per request on the admission path. A pending future
 * takes Vert.x's own step. Either way the step runs on the calling event loop, in the same order,
 * and a function that throws fails the step, as with Vert.x.
 */
public final class Futures {

    private Futures() {}

    /** {@code future.compose(next)}. */
    public static <T, U> Future<U> compose(Future<T> future, Function<? super T, Future<U>> next) {
        if (future.succeeded()) {
            try {
                return next.apply(future.result());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return future.failed() ? Future.failedFuture(future.cause()) : future.compose(next);
    }

    /** {@code future.map(mapper)}. */
    public static <T, U> Future<U> map(Future<T> future, Function<? super T, U> mapper) {
        if (future.succeeded()) {
            try {
                return Future.succeededFuture(mapper.apply(future.result()));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return future.failed() ? Future.failedFuture(future.cause()) : future.map(mapper);
    }

    /** {@code future.recover(recovery)}. */
    public static <T> Future<T> recover(Future<T> future, Function<Throwable, Future<T>> recovery) {
        if (future.failed()) {
            try {
                return recovery.apply(future.cause());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return future.succeeded() ? future : future.recover(recovery);
    }

    /** {@code future.onComplete(handler)}. */
    public static <T> void onComplete(Future<T> future, Handler<AsyncResult<T>> handler) {
        if (future.isComplete()) {
            handler.handle(future);
        } else {
            future.onComplete(handler);
        }
    }

    /** {@code future.andThen(handler)}: the handler sees the result, the same future is returned. */
    public static <T> Future<T> andThen(Future<T> future, Handler<AsyncResult<T>> handler) {
        if (future.isComplete()) {
            handler.handle(future);
            return future;
        }
        return future.andThen(handler);
    }

    /** {@code Future.fromCompletionStage(stage, context)}: a pending stage completes the future on the context. */
    public static <T> Future<T> fromStage(CompletableFuture<T> stage, Context context) {
        if (!stage.isDone()) {
            return Future.fromCompletionStage(stage, context);
        }
        try {
            return Future.succeededFuture(stage.join());
        } catch (CompletionException e) {
            return Future.failedFuture(e.getCause());
        } catch (CancellationException e) {
            return Future.failedFuture(e);
        }
    }
}
