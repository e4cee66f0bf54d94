package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Budget headers as written on the wire")
class BudgetHeadersTest {

    @Test
    @DisplayName("numbers in decimal, from zero to the largest long")
    void numbers() {
        assertThat(BudgetHeaders.number(0).toString()).isEqualTo("0");
        assertThat(BudgetHeaders.number(7).toString()).isEqualTo("7");
        assertThat(BudgetHeaders.number(1_000_000_000L).toString()).isEqualTo("1000000000");
        assertThat(BudgetHeaders.number(Long.MAX_VALUE).toString()).isEqualTo(Long.toString(Long.MAX_VALUE));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10_000; i++) {
            long n = random.nextLong(Long.MAX_VALUE);
            assertThat(BudgetHeaders.number(n).toString()).isEqualTo(Long.toString(n));
        }
    }

    @Test
    @DisplayName("resets in OpenAI's format: milliseconds under a second, else whole seconds rounded up")
    void resets() {
        assertThat(BudgetHeaders.reset(-5).toString()).isEqualTo("0ms");
        assertThat(BudgetHeaders.reset(20).toString()).isEqualTo("20ms");
        assertThat(BudgetHeaders.reset(999).toString()).isEqualTo("999ms");
        assertThat(BudgetHeaders.reset(1000).toString()).isEqualTo("1s");
        assertThat(BudgetHeaders.reset(1001).toString()).isEqualTo("2s");
        assertThat(BudgetHeaders.reset(360_000).toString()).isEqualTo("6m0s");
        assertThat(BudgetHeaders.reset(3_600_000).toString()).isEqualTo("1h0m0s");
        assertThat(BudgetHeaders.reset(3_723_000).toString()).isEqualTo("1h2m3s");
    }

    @Test
    @DisplayName("written in order, and read back as a map of strings")
    void asWrittenAndAsMap() {
        BudgetHeaders headers = new BudgetHeaders(
                new AsciiString[] {AsciiString.of("x-ratelimit-limit-requests"),
                        AsciiString.of("x-ratelimit-remaining-requests")},
                new AsciiString[] {BudgetHeaders.number(60), BudgetHeaders.number(59)}, 2);
        List<String> written = new ArrayList<>();
        headers.forEachHeader((name, value) -> written.add(name + ": " + value));

        assertThat(written).containsExactly("x-ratelimit-limit-requests: 60", "x-ratelimit-remaining-requests: 59");
        assertThat(headers).containsExactly(Map.entry("x-ratelimit-limit-requests", "60"),
                Map.entry("x-ratelimit-remaining-requests", "59"));
        assertThat(headers.get("x-ratelimit-remaining-requests")).isEqualTo("59");
        assertThat(headers.get("retry-after")).isNull();
        assertThat(headers.get(42)).as("a key of another type is absent, not an error").isNull();
        assertThat(BudgetHeaders.NONE).isEmpty();
    }
}
