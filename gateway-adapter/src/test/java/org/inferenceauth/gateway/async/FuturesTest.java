package org.inferenceauth.gateway.async;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Future steps taken at once on complete futures, as Vert.x takes them")
class FuturesTest {

    private final List<String> steps = new ArrayList<>();

    @Test
    @DisplayName("a complete future's steps run before the call returns, in order")
    void completeFuturesRunAtOnce() {
        Future<Integer> chained = Futures.map(Futures.compose(Future.succeededFuture(1), one -> {
            steps.add("compose " + one);
            return Future.succeededFuture(one + 1);
        }), two -> {
            steps.add("map " + two);
            return two * 10;
        });
        steps.add("returned");

        assertThat(steps).containsExactly("compose 1", "map 2", "returned");
        assertThat(chained.result()).isEqualTo(20);
    }

    @Test
    @DisplayName("a step that throws fails the result; a failure skips compose and map and reaches recover")
    void failures() {
        IllegalStateException thrown = new IllegalStateException("refused");
        Future<Integer> failed = Futures.map(Future.succeededFuture(1), one -> {
            throw thrown;
        });
        assertThat(failed.cause()).isSameAs(thrown);
        Future<String> skipped = Futures.compose(failed, one -> {
            steps.add("ran");
            return Future.succeededFuture("no");
        });
        assertThat(steps).isEmpty();
        assertThat(Futures.recover(skipped, cause -> Future.succeededFuture(cause.getMessage())).result())
                .isEqualTo("refused");
    }

    @Test
    @DisplayName("a pending future takes Vert.x's own steps when it completes")
    void pendingFutures() {
        Promise<Integer> later = Promise.promise();
        Future<Integer> chained = Futures.map(later.future(), n -> n + 1);
        Futures.onComplete(chained, done -> steps.add("done " + done.result()));
        assertThat(steps).isEmpty();

        later.complete(41);
        assertThat(steps).containsExactly("done 42");
    }

    @Test
    @DisplayName("a completed stage is read at once, its failure without CompletableFuture's wrapper")
    void stages() {
        assertThat(Futures.fromStage(CompletableFuture.completedFuture("cached"), null).result()).isEqualTo("cached");
        IOException down = new IOException("Keycloak down");
        assertThat(Futures.fromStage(CompletableFuture.failedFuture(down), null).cause()).isSameAs(down);
        List<String> seen = new ArrayList<>();
        assertThat(Futures.andThen(Future.succeededFuture("x"), done -> seen.add(done.result())).result()).isEqualTo("x");
        assertThat(seen).containsExactly("x");
    }
}
