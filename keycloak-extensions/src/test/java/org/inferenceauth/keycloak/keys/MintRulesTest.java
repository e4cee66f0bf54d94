package org.inferenceauth.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MintRulesTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static ApiKeySettings settings(int maxLifetimeDays, boolean expiryRequired) {
        return new ApiKeySettings("ik", 25, maxLifetimeDays, expiryRequired, "/projects", 600,
                List.of("account-console"), 3600, "inference-user");
    }

    @Nested
    @DisplayName("names")
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"a", "laptop", "Build server #2", "Schlüssel", "モデル用", "emoji 🔑 ok"})
        @DisplayName("1–64 printable characters are accepted")
        void accepted(String name) {
            assertThat(MintRules.name(name)).isEqualTo(name);
        }

        @Test
        @DisplayName("surrounding white space is trimmed; 64 code points is the limit, counted as characters, not UTF-16 units")
        void trimmedAndCounted() {
            assertThat(MintRules.name("  ci  ")).isEqualTo("ci");
            String sixtyFourEmoji = "🔑".repeat(64);
            assertThat(MintRules.name(sixtyFourEmoji)).isEqualTo(sixtyFourEmoji);
            assertThatThrownBy(() -> MintRules.name("🔑".repeat(65))).isInstanceOf(ApiKeyException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "tab\there", "new\nline", "nul\u0000", "bidi\u202Etrick", "zero\u200Bwidth"})
        @DisplayName("empty names, control and invisible formatting characters are refused")
        void refused(String name) {
            assertThatThrownBy(() -> MintRules.name(name)).isInstanceOfSatisfying(ApiKeyException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.error()).isEqualTo("invalid_request");
            });
        }

        @Test
        @DisplayName("null is refused")
        void nullName() {
            assertThatThrownBy(() -> MintRules.name(null)).isInstanceOf(ApiKeyException.class);
        }
    }

    @Nested
    @DisplayName("expiry")
    class Expiry {

        @Test
        @DisplayName("none requested: the maximum lifetime, or never when unlimited")
        void defaults() {
            assertThat(MintRules.expiry(null, NOW, settings(30, false)))
                    .isEqualTo(NOW.plus(Duration.ofDays(30)).getEpochSecond());
            assertThat(MintRules.expiry(null, NOW, settings(0, false))).isNull();
        }

        @Test
        @DisplayName("required: none is refused")
        void required() {
            assertThatThrownBy(() -> MintRules.expiry(null, NOW, settings(30, true))).isInstanceOf(ApiKeyException.class);
        }

        @Test
        @DisplayName("past or now is refused; the maximum itself is allowed, a second more is not")
        void bounds() {
            ApiKeySettings settings = settings(30, false);
            assertThatThrownBy(() -> MintRules.expiry(NOW, NOW, settings)).isInstanceOf(ApiKeyException.class);
            assertThatThrownBy(() -> MintRules.expiry(NOW.minusSeconds(1), NOW, settings)).isInstanceOf(ApiKeyException.class);
            Instant max = NOW.plus(Duration.ofDays(30));
            assertThat(MintRules.expiry(max, NOW, settings)).isEqualTo(max.getEpochSecond());
            assertThatThrownBy(() -> MintRules.expiry(max.plusSeconds(1), NOW, settings)).isInstanceOf(ApiKeyException.class);
        }

        @Test
        @DisplayName("unlimited lifetime accepts far futures")
        void unlimited() {
            Instant far = NOW.plus(Duration.ofDays(3650));
            assertThat(MintRules.expiry(far, NOW, settings(0, true))).isEqualTo(far.getEpochSecond());
        }
    }

    @Nested
    @DisplayName("scopes")
    class Scopes {

        @Test
        @DisplayName("null is no scope; duplicates collapse, order is kept")
        void normalised() {
            assertThat(MintRules.scopes(null)).isEmpty();
            assertThat(MintRules.scopes(List.of("model:b", "model:a", "model:b"))).containsExactly("model:b", "model:a");
        }

        @Test
        @DisplayName("spaces, empty strings, nulls and more than 32 scopes are refused")
        void refused() {
            assertThatThrownBy(() -> MintRules.scopes(List.of("has space"))).isInstanceOf(ApiKeyException.class);
            assertThatThrownBy(() -> MintRules.scopes(List.of(""))).isInstanceOf(ApiKeyException.class);
            assertThatThrownBy(() -> MintRules.scopes(Arrays.asList((String) null))).isInstanceOf(ApiKeyException.class);
            List<String> many = java.util.stream.IntStream.range(0, 33).mapToObj(i -> "model:m" + i).toList();
            assertThatThrownBy(() -> MintRules.scopes(many)).isInstanceOf(ApiKeyException.class);
        }
    }
}
