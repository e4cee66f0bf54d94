package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

    // One request a minute after a burst of two: nothing refills while a test runs.
    private static final RateLimitPolicy TWO_THEN_ONE_A_MINUTE = new RateLimitPolicy(1, 2);

    @Nested
    @DisplayName("in memory")
    class Local {

        private final RateLimiter limiter = new LocalRateLimiter(TWO_THEN_ONE_A_MINUTE, 1_000);

        @Test
        @DisplayName("a caller gets its burst, then a refusal that says when to retry")
        void burstThenRefusal() {
            RateDecision first = acquire(limiter, "key:a");
            RateDecision second = acquire(limiter, "key:a");
            RateDecision third = acquire(limiter, "key:a");

            assertThat(first.allowed()).isTrue();
            assertThat(first.remaining()).isEqualTo(1);
            assertThat(second.allowed()).isTrue();
            assertThat(second.remaining()).isZero();
            assertThat(third.allowed()).isFalse();
            // One token a minute: the next comes within the minute (how much of it is left depends on the machine's pace).
            assertThat(third.resetIn()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
            assertThat(third.headers())
                    .containsEntry("x-ratelimit-limit-requests", "2")
                    .containsEntry("x-ratelimit-remaining-requests", "0")
                    .containsEntry("retry-after", "60")
                    .containsKey("retry-after-ms");
        }

        @Test
        @DisplayName("callers have separate budgets")
        void callersAreIndependent() {
            acquire(limiter, "key:a");
            acquire(limiter, "key:a");

            assertThat(acquire(limiter, "key:a").allowed()).isFalse();
            assertThat(acquire(limiter, "key:b").allowed()).isTrue();
        }
    }

    @Nested
    @DisplayName("in Redis (127.0.0.1:6379), shared by replicas")
    class Redis {

        private final RedisRateLimiter replicaOne = redisLimiter();
        private final RedisRateLimiter replicaTwo = redisLimiter();

        @AfterEach
        void close() {
            replicaOne.close();
            replicaTwo.close();
        }

        @Test
        @DisplayName("two gateway replicas spend from one budget per caller")
        void sharedBudget() {
            String caller = "key:" + UUID.randomUUID();

            assertThat(acquire(replicaOne, caller).allowed()).isTrue();
            assertThat(acquire(replicaTwo, caller).allowed()).isTrue();
            RateDecision third = acquire(replicaOne, caller);

            assertThat(third.allowed()).isFalse();
            assertThat(third.headers()).containsEntry("x-ratelimit-remaining-requests", "0").containsKey("retry-after");
            assertThat(acquire(replicaTwo, "key:" + UUID.randomUUID()).allowed()).isTrue();
        }

        @Test
        @DisplayName("when Redis dies, requests go through unlimited and the failure is reported")
        void failsOpen() throws Exception {
            int port;
            try (var probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            var errors = new java.util.concurrent.atomic.AtomicInteger();
            RedisRateLimiter limiter = null;
            try {
                limiter = connectWithRetry("redis://127.0.0.1:" + port, errors);
                String caller = "key:" + UUID.randomUUID();
                assertThat(acquire(limiter, caller).isLimited()).isTrue();

                redis.destroyForcibly().waitFor();
                RateDecision decision = acquire(limiter, caller);

                assertThat(decision.allowed()).isTrue();
                assertThat(decision.isLimited()).isFalse();
                assertThat(decision.headers()).isEmpty();
                assertThat(errors).hasValue(1);
            } finally {
                redis.destroyForcibly();
                if (limiter != null) {
                    limiter.close();
                }
            }
        }

        private RedisRateLimiter connectWithRetry(String url, java.util.concurrent.atomic.AtomicInteger errors)
                throws InterruptedException {
            for (int attempt = 0; ; attempt++) {
                try {
                    return new RedisRateLimiter(TWO_THEN_ONE_A_MINUTE, url, Duration.ofMillis(500), e -> errors.incrementAndGet());
                } catch (io.lettuce.core.RedisConnectionException notYetListening) {
                    if (attempt == 50) {
                        throw notYetListening;
                    }
                    Thread.sleep(100);
                }
            }
        }

        private RedisRateLimiter redisLimiter() {
            return new RedisRateLimiter(TWO_THEN_ONE_A_MINUTE, "redis://127.0.0.1:6379", Duration.ofSeconds(2), e -> {});
        }
    }

    @ParameterizedTest(name = "{0} ms → {1}")
    @CsvSource({"0, 0ms", "20, 20ms", "999, 999ms", "1000, 1s", "1001, 2s", "59000, 59s", "360000, 6m0s", "3723000, 1h2m3s"})
    @DisplayName("reset times are written as OpenAI writes them")
    void resetFormat(long millis, String expected) {
        assertThat(RateDecision.formatReset(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @Test
    @DisplayName("switched off, a limiter allows everything and adds no headers")
    void unlimited() {
        RateDecision decision = acquire(RateLimiter.unlimited(), "key:a");
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.headers()).isEmpty();
    }

    private static RateDecision acquire(RateLimiter limiter, String caller) {
        return limiter.acquire(caller).toCompletableFuture().join();
    }
}
